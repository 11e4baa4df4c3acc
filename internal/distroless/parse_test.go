package distroless

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, src string) *Dockerfile {
	t.Helper()
	df, err := ParseBytes([]byte(src))
	if err != nil {
		t.Fatalf("ParseBytes() error = %v\n%s", err, src)
	}
	return df
}

func TestParseStagesAndGlobalArgs(t *testing.T) {
	df := mustParse(t, `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG BASE=debian:12-slim
ARG IMAGE=${BASE}
ARG NO_DEFAULT
FROM golang:${GO_VERSION} AS Build
RUN go build -o /app .

FROM build AS test
RUN go test ./...

FROM $IMAGE
COPY --from=BUILD /app /app
CMD ["/app"]
`)

	if got := len(df.Stages); got != 3 {
		t.Fatalf("len(Stages) = %d, want 3", got)
	}
	if got := len(df.MetaArgs); got != 4 {
		t.Errorf("len(MetaArgs) = %d, want 4", got)
	}
	build, test, final := df.Stages[0], df.Stages[1], df.Final()
	if build.Name != "build" {
		t.Errorf("Stages[0].Name = %q, want %q (lowercased)", build.Name, "build")
	}
	if build.Base != "golang:1.22" {
		t.Errorf("Stages[0].Base = %q, want golang:1.22", build.Base)
	}
	if test.Parent != 0 {
		t.Errorf("Stages[1].Parent = %d, want 0", test.Parent)
	}
	if final.BaseName != "$IMAGE" {
		t.Errorf("Final().BaseName = %q, want $IMAGE", final.BaseName)
	}
	if final.Base != "debian:12-slim" {
		t.Errorf("Final().Base = %q, want debian:12-slim (an ARG default naming another ARG)", final.Base)
	}
	if final.Parent != -1 {
		t.Errorf("Final().Parent = %d, want -1", final.Parent)
	}
	if v, ok := df.MetaDefault("NO_DEFAULT"); ok {
		t.Errorf("MetaDefault(NO_DEFAULT) = %q, true; want no default", v)
	}
	if final.StartLine != 12 || final.EndLine != 14 {
		t.Errorf("Final() lines = %d-%d, want 12-14", final.StartLine, final.EndLine)
	}
	if got, want := df.Text(final.StartLine, final.StartLine), "FROM $IMAGE\n"; got != want {
		t.Errorf("Text(final FROM) = %q, want %q", got, want)
	}

	copies := df.Copies(final.Index)
	if len(copies) != 1 || copies[0].FromStage != 0 {
		t.Errorf("Copies(final) = %+v, want one copy from stage 0 (--from is case-insensitive)", copies)
	}
	if got := df.BuildStages(); !cmp.Equal(got, []int{0}) {
		t.Errorf("BuildStages() = %v, want [0]: the test stage is not used by the final image", got)
	}
}

func TestParseUnresolvedBase(t *testing.T) {
	df := mustParse(t, "ARG REGISTRY\nFROM ${REGISTRY}/app:1\n")
	st := df.Final()
	if !cmp.Equal(st.Unresolved, []string{"REGISTRY"}) {
		t.Errorf("Unresolved = %v, want [REGISTRY]", st.Unresolved)
	}
}

func TestParseCopyFromIndexAndImage(t *testing.T) {
	df := mustParse(t, `FROM golang:1.22
WORKDIR /src
RUN go build -o app .
FROM alpine:3.19
WORKDIR /srv
COPY --from=0 /src/app ./bin/
COPY --from=nginx:1.25 /etc/nginx/mime.types /etc/mime.types
ADD https://example.invalid/file.tgz /tmp/
`)
	copies := df.Copies(1)
	if len(copies) != 3 {
		t.Fatalf("len(Copies) = %d, want 3", len(copies))
	}
	if copies[0].FromStage != 0 || copies[0].AbsDest != "/srv/bin" {
		t.Errorf("copy by index = %+v, want stage 0 and AbsDest /srv/bin", copies[0])
	}
	if copies[1].FromStage != -1 || copies[1].From != "nginx:1.25" {
		t.Errorf("copy from image = %+v, want FromStage -1 and From nginx:1.25", copies[1])
	}
	if !copies[2].Add {
		t.Errorf("third copy Add = false, want true for ADD")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		sentinel error
		line     int // want a *SyntaxError on this line when > 0
	}{
		{name: "empty", src: "", sentinel: ErrEmpty},
		{name: "white space", src: " \n\t\n", sentinel: ErrEmpty},
		{name: "comments only", src: "# just a comment\n# another\n", sentinel: ErrEmpty},
		{name: "only global args", src: "ARG A=1\nARG B=2\n", sentinel: ErrNoStage},
		{name: "run before from", src: "RUN echo hi\nFROM alpine\n", line: 1},
		{name: "unknown instruction", src: "FROM alpine\nFORM debian\n", line: 2},
		{name: "from with two words", src: "FROM alpine debian\n", line: 1},
		{name: "invalid stage name", src: "FROM alpine AS 1st\n", line: 1},
		{name: "unterminated heredoc", src: "FROM alpine\nRUN <<EOF\necho hi\n", line: 2},
		{name: "healthcheck without command", src: "FROM alpine\nHEALTHCHECK CMD\n", line: 2},
		{name: "copy without destination", src: "FROM alpine\nCOPY onlyone\n", line: 2},
		{name: "line longer than the scanner buffer", src: "FROM alpine\nRUN echo " + strings.Repeat("x", 70000) + "\n"},
		{name: "binary junk", src: "\x00\x01\x02FROM\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			df, err := ParseBytes([]byte(tt.src))
			if err == nil {
				t.Fatalf("ParseBytes(%q) = %d stages, want an error", clip(tt.src), len(df.Stages))
			}
			if err.Error() == "" {
				t.Errorf("ParseBytes(%q) error has an empty message", clip(tt.src))
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("ParseBytes(%q) error = %v, want %v", clip(tt.src), err, tt.sentinel)
			}
			if tt.line > 0 {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("ParseBytes(%q) error = %T %v, want *SyntaxError", clip(tt.src), err, err)
				}
				if se.Line != tt.line {
					t.Errorf("SyntaxError.Line = %d, want %d (%v)", se.Line, tt.line, err)
				}
			}
		})
	}
}

// countingReader counts the bytes read from an endless stream of one byte.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestParseTenMegabytes(t *testing.T) {
	start := time.Now()
	data := bytes.Repeat([]byte("RUN echo padding\n"), 10<<20/17)
	data = append([]byte("FROM alpine\n"), data...)
	if _, err := ParseBytes(data); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseBytes(10 MB) error = %v, want ErrTooLarge", err)
	}

	r := &countingReader{}
	if _, err := Parse(io.LimitReader(r, 10<<20)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(10 MB reader) error = %v, want ErrTooLarge", err)
	}
	if r.n > MaxDockerfileBytes+64<<10 {
		t.Errorf("Parse read %d bytes of a 10 MB stream, want at most about %d", r.n, MaxDockerfileBytes+1)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("rejecting 10 MB took %v", d)
	}
}

func TestParseOneMegabyteWithinCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM alpine\n")
	for b.Len() < MaxDockerfileBytes-2000 {
		b.WriteString("RUN echo " + strings.Repeat("word ", 180) + "\\\n    " + strings.Repeat("more ", 180) + "\n")
	}
	df, err := ParseBytes([]byte(b.String()))
	if err != nil {
		t.Fatalf("ParseBytes(%d bytes) error = %v, want success under the caps", b.Len(), err)
	}
	if n := len(df.Final().Commands); n < 500 {
		t.Errorf("len(Commands) = %d, want every RUN parsed", n)
	}
}

func TestParseTooManyInstructions(t *testing.T) {
	src := "FROM alpine\n" + strings.Repeat("ENV A=b\n", MaxInstructions)
	if _, err := ParseBytes([]byte(src)); !errors.Is(err, ErrTooManyInstructions) {
		t.Errorf("ParseBytes(%d instructions) error = %v, want ErrTooManyInstructions", MaxInstructions+1, err)
	}
	src = strings.Repeat("FROM alpine\n", MaxStages+1)
	if _, err := ParseBytes([]byte(src)); !errors.Is(err, ErrTooManyInstructions) {
		t.Errorf("ParseBytes(%d stages) error = %v, want ErrTooManyInstructions", MaxStages+1, err)
	}
}

func TestEffectiveCommand(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		want   []string
		wantOK bool
	}{
		{
			name:   "entrypoint and cmd",
			src:    "FROM alpine\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n",
			want:   []string{"/app", "serve"},
			wantOK: true,
		},
		{
			name:   "shell form cmd",
			src:    "FROM alpine\nCMD /app --port 80\n",
			want:   []string{"/bin/sh", "-c", "/app --port 80"},
			wantOK: true,
		},
		{
			name:   "shell form entrypoint ignores cmd",
			src:    "FROM alpine\nENTRYPOINT /app\nCMD [\"x\"]\n",
			want:   []string{"/bin/sh", "-c", "/app"},
			wantOK: true,
		},
		{
			name:   "entrypoint resets an inherited cmd",
			src:    "FROM alpine AS base\nCMD [\"old\"]\nFROM base\nENTRYPOINT [\"/app\"]\n",
			want:   []string{"/app"},
			wantOK: true,
		},
		{
			name:   "cmd before entrypoint in one stage survives",
			src:    "FROM alpine\nCMD [\"serve\"]\nENTRYPOINT [\"/app\"]\n",
			want:   []string{"/app", "serve"},
			wantOK: true,
		},
		{
			name:   "distroless java default entrypoint",
			src:    "FROM gcr.io/distroless/java17-debian12\nCMD [\"app.jar\"]\n",
			want:   []string{"/usr/bin/java", "-jar", "app.jar"},
			wantOK: true,
		},
		{
			name:   "distroless nodejs default entrypoint",
			src:    "FROM gcr.io/distroless/nodejs22-debian12\n",
			want:   []string{"/nodejs/bin/node"},
			wantOK: true,
		},
		{
			name:   "unknown base image default",
			src:    "FROM alpine\nWORKDIR /x\n",
			want:   nil,
			wantOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			df := mustParse(t, tt.src)
			got, ok := df.EffectiveCommand(df.Final().Index)
			if ok != tt.wantOK {
				t.Errorf("EffectiveCommand() ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got, cmpEmptyAsNil); diff != "" {
				t.Errorf("EffectiveCommand() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

var cmpEmptyAsNil = cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		want Invocation
	}{
		{name: "native", argv: []string{"/usr/bin/app", "serve"}, want: Invocation{Program: "/usr/bin/app", Args: []string{"serve"}}},
		{name: "tini", argv: []string{"/sbin/tini", "-g", "--", "/app", "-v"}, want: Invocation{Program: "/app", Args: []string{"-v"}}},
		{name: "dumb-init", argv: []string{"dumb-init", "--", "node", "--enable-source-maps", "index.js"}, want: Invocation{Runtime: RuntimeNode, Program: "index.js"}},
		{name: "sh -c simple", argv: []string{"/bin/sh", "-c", "exec /bin/server --port 80"}, want: Invocation{Program: "/bin/server", Args: []string{"--port", "80"}}},
		{name: "sh -c compound", argv: []string{"/bin/sh", "-c", "./migrate && FOO=1 node server.js"}, want: Invocation{Runtime: RuntimeNode, Program: "server.js"}},
		{name: "sh -c or-fallback", argv: []string{"/bin/sh", "-c", "/app run || exit 1"}, want: Invocation{Program: "/app", Args: []string{"run"}}},
		{name: "sh -c variable", argv: []string{"/bin/sh", "-c", "java $JAVA_OPTS -jar /app.jar"}, want: Invocation{Runtime: RuntimeJava, Program: "/app.jar"}},
		{name: "shell script", argv: []string{"/bin/bash", "-e", "/entrypoint.sh", "run"}, want: Invocation{Runtime: RuntimeShell, Program: "/entrypoint.sh", Args: []string{"run"}}},
		{name: "script by suffix", argv: []string{"./docker-entrypoint.sh"}, want: Invocation{Runtime: RuntimeShell, Program: "./docker-entrypoint.sh"}},
		{name: "java jar", argv: []string{"java", "-Xmx1g", "-cp", "x", "-jar", "/app/a.jar", "--debug"}, want: Invocation{Runtime: RuntimeJava, Program: "/app/a.jar", Args: []string{"--debug"}}},
		{name: "java main class", argv: []string{"/opt/java/bin/java", "-cp", "/app/lib/*", "com.example.Main"}, want: Invocation{Runtime: RuntimeJava, Program: "com.example.Main"}},
		{name: "python module", argv: []string{"python3.11", "-u", "-m", "worker", "--n", "4"}, want: Invocation{Runtime: RuntimePython, Program: "worker", Module: true, Args: []string{"--n", "4"}}},
		{name: "npm", argv: []string{"npm", "run", "start"}, want: Invocation{Runtime: RuntimeNode, Program: "npm", Args: []string{"run", "start"}}},
		{name: "gosu", argv: []string{"gosu", "app", "/bin/app"}, want: Invocation{Program: "/bin/app"}},
		{name: "empty", argv: nil, want: Invocation{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := Normalize(tt.argv)
			if diff := cmp.Diff(tt.want, got, cmpEmptyAsNil); diff != "" {
				t.Errorf("Normalize(%q) mismatch (-want +got):\n%s", tt.argv, diff)
			}
		})
	}
}

func TestInvocationMatches(t *testing.T) {
	tests := []struct {
		name      string
		want, got Invocation
		match     bool
	}{
		{"same binary by base name", Invocation{Program: "./app", Args: []string{"serve"}}, Invocation{Program: "/srv/app", Args: []string{"serve"}}, true},
		{"arguments differ", Invocation{Program: "app", Args: []string{"serve"}}, Invocation{Program: "app"}, false},
		{"other program", Invocation{Program: "app"}, Invocation{Program: "other"}, false},
		{"console script as module", Invocation{Program: "gunicorn", Args: []string{"app:app"}}, Invocation{Runtime: RuntimePython, Program: "gunicorn", Module: true, Args: []string{"app:app"}}, true},
		{"console script as a file", Invocation{Program: "gunicorn"}, Invocation{Runtime: RuntimePython, Program: "gunicorn"}, false},
		{"module against script", Invocation{Runtime: RuntimePython, Program: "worker", Module: true}, Invocation{Runtime: RuntimePython, Program: "worker"}, false},
		{"java jar path", Invocation{Runtime: RuntimeJava, Program: "app.jar"}, Invocation{Runtime: RuntimeJava, Program: "/app/app.jar"}, true},
		{"java against native", Invocation{Runtime: RuntimeJava, Program: "app.jar"}, Invocation{Program: "app.jar"}, false},
		{"any node program", Invocation{Runtime: RuntimeNode}, Invocation{Runtime: RuntimeNode, Program: "server.js"}, true},
		{"any node program but npm", Invocation{Runtime: RuntimeNode}, Invocation{Runtime: RuntimeNode, Program: "npm"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.want.Matches(tt.got); got != tt.match {
				t.Errorf("%v.Matches(%v) = %v, want %v", tt.want, tt.got, got, tt.match)
			}
		})
	}
}

func TestParseVariant(t *testing.T) {
	tests := []struct {
		ref  string
		want Variant
		ok   bool
	}{
		{"gcr.io/distroless/static-debian12:nonroot", Variant{Family: "static", NonrootTag: true}, true},
		{"gcr.io/distroless/static-debian12@sha256:0123", Variant{Family: "static"}, true},
		{"gcr.io/distroless/base-nossl-debian12", Variant{Family: "base-nossl"}, true},
		{"gcr.io/distroless/cc-debian12:debug-nonroot", Variant{Family: "cc", Debug: true, NonrootTag: true}, true},
		{"gcr.io/distroless/java21-debian12:nonroot", Variant{Family: "java", Version: "21", NonrootTag: true}, true},
		{"gcr.io/distroless/java:11", Variant{Family: "java", Version: "11"}, true},
		{"gcr.io/distroless/nodejs20-debian12", Variant{Family: "nodejs", Version: "20"}, true},
		{"gcr.io/distroless/python3-debian12", Variant{Family: "python3", Version: "3.11"}, true},
		{"gcr.io/distroless/python3", Variant{Family: "python3"}, true},
		{"gcr.io/distroless/something-new", Variant{}, true},
		{"GCR.IO/Distroless/Static", Variant{Family: "static"}, true},
		{"debian:12-slim", Variant{}, false},
		{"distroless/static", Variant{}, false},
		{"scratch", Variant{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseVariant(tt.ref)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseVariant(%q) = %+v, %v; want %+v, %v", tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitCommands(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{"a && b", []string{"a", "b"}},
		{"a; b | c", []string{"a", "b", "c"}},
		{"a || exit 1", []string{"a"}},
		{`echo "x && y" && z`, []string{`echo "x && y"`, "z"}},
		{"a \\&& b", []string{"a \\&& b"}},
	}
	for _, tt := range tests {
		if got := splitCommands(tt.script); !cmp.Equal(got, tt.want) {
			t.Errorf("splitCommands(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}
