package distroless

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/sut"
)

func migrate(t *testing.T, src string) (string, []string) {
	t.Helper()
	out, notes, err := Migrate([]byte(src))
	if err != nil {
		t.Fatalf("Migrate() error = %v\n%s", err, src)
	}
	if _, err := ParseBytes(out); err != nil {
		t.Fatalf("Migrate() output does not parse: %v\n%s", err, out)
	}
	return string(out), notes
}

func TestMigrateExamples(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // lines the output contains
		notWant []string // text the output's final stage must not contain
	}{
		{
			name:    "go with curl health check and apt",
			src:     origGo,
			want:    []string{"FROM gcr.io/distroless/static-debian12:nonroot", `ENTRYPOINT ["/usr/local/bin/app"]`, `CMD ["serve"]`, "COPY config.yaml /etc/app/config.yaml"},
			notWant: []string{"HEALTHCHECK", "apt-get"},
		},
		{
			name:    "shell-form command becomes exec form",
			src:     goBuildStage + "FROM alpine\nCOPY --from=build /out/app /app\nCMD /app -listen :80\n",
			want:    []string{`ENTRYPOINT ["/app","-listen",":80"]`},
			notWant: []string{"CMD /app"},
		},
		{
			name:    "tini and bare node",
			src:     "FROM node:20 AS deps\nRUN npm ci\nFROM node:20-slim\nRUN apt-get install -y tini\nCOPY --from=deps /node_modules /app/node_modules\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"/app/index.js\"]\n",
			want:    []string{"FROM gcr.io/distroless/nodejs20-debian12:nonroot", `ENTRYPOINT ["/nodejs/bin/node","/app/index.js"]`},
			notWant: []string{"tini"},
		},
		{
			name:    "user and chown",
			src:     goBuildStage + "FROM debian:12\nRUN useradd app\nCOPY --from=build --chown=app:app /out/app /app\nUSER app\nENTRYPOINT [\"/app\"]\n",
			want:    []string{"COPY --from=build --chown=nonroot:nonroot /out/app /app"},
			notWant: []string{"USER app", "useradd"},
		},
		{
			name: "exec health check of the application",
			src:  goBuildStage + "FROM debian:12\nCOPY --from=build /out/app /app\nHEALTHCHECK --interval=5s CMD [\"/app\", \"health\"]\nENTRYPOINT [\"/app\"]\n",
			want: []string{`HEALTHCHECK --interval=5s CMD ["/app","health"]`},
		},
		{
			name:    "ARG base is replaced in FROM only",
			src:     "ARG RUNTIME=debian:12-slim\n" + goBuildStage + "FROM ${RUNTIME}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
			want:    []string{"ARG RUNTIME=debian:12-slim", "FROM gcr.io/distroless/static-debian12:nonroot"},
			notWant: []string{"FROM ${RUNTIME}"},
		},
		{
			name: "java version without a distroless image",
			src:  "FROM eclipse-temurin:11-jre\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
			want: []string{"FROM gcr.io/distroless/java17-debian12:nonroot", `ENTRYPOINT ["java","-jar","/app.jar"]`},
		},
		{
			name: "single stage becomes a build stage",
			src:  "FROM node:20-alpine\nWORKDIR /srv\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
			want: []string{"FROM node:20-alpine AS app-build", "COPY --from=app-build /srv /srv", `ENTRYPOINT ["/nodejs/bin/node","server.js"]`},
		},
		{
			name: "debian library moves to a stage",
			src:  "FROM rust:1.77 AS build\nRUN cargo build --release\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y libpq5\nCOPY --from=build /target/release/svc /svc\nENTRYPOINT [\"/svc\"]\n",
			want: []string{"FROM debian:12-slim AS runtime-libraries", "COPY --from=runtime-libraries /usr/lib/x86_64-linux-gnu/libpq*.so* /usr/lib/x86_64-linux-gnu/", "FROM gcr.io/distroless/cc-debian12:nonroot"},
		},
		{
			name: "python console script runs as a module",
			src:  "FROM python:3.11-slim AS build\nRUN python -m venv /venv\nFROM python:3.11-slim\nCOPY --from=build /venv /venv\nENV PATH=/venv/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n",
			want: []string{`ENTRYPOINT ["/usr/bin/python3","-m","gunicorn","app:app"]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, notes := migrate(t, tt.src)
			for _, w := range tt.want {
				if !strings.Contains(out, w+"\n") {
					t.Errorf("output lacks the line %q\n%s\nnotes: %q", w, out, notes)
				}
			}
			df, _ := ParseBytes([]byte(out))
			final := df.Text(df.Final().StartLine, df.Final().EndLine)
			for _, nw := range tt.notWant {
				if strings.Contains(final, nw) {
					t.Errorf("final stage contains %q\n%s", nw, final)
				}
			}
		})
	}
}

func TestMigrateAlreadyDistroless(t *testing.T) {
	out, notes, err := Migrate([]byte(goodGo))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != goodGo {
		t.Errorf("Migrate(distroless) changed the file:\n%s", out)
	}
	if len(notes) != 1 {
		t.Errorf("notes = %q, want one saying nothing changed", notes)
	}
}

func TestMigrateInvalidInput(t *testing.T) {
	for _, src := range []string{"", "FROM alpine\nCOPY x\n", strings.Repeat("#", MaxDockerfileBytes+1)} {
		if _, _, err := Migrate([]byte(src)); err == nil {
			t.Errorf("Migrate(%q) error = nil, want an error", clip(src))
		}
	}
}

// TestMigrateBundledSources runs the migrator on every bundled source and
// checks what it must never do, whatever else it gets wrong: produce a
// Dockerfile BuildKit rejects, touch the text before the final stage, or
// trip a block-severity failure mode.
func TestMigrateBundledSources(t *testing.T) {
	entries, err := os.ReadDir(bundledSources)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(bundledSources, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			orig, err := ParseBytes(src)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := migrate(t, string(src))
			prefix := orig.Text(1, orig.Final().StartLine-1)
			if !strings.HasPrefix(out, prefix) {
				t.Errorf("the text before the final stage changed")
			}
			got, _ := ParseBytes([]byte(out))
			if !IsDistroless(got.Image(got.Final().Index).Base) {
				t.Errorf("final base = %s, want a distroless image", got.Image(got.Final().Index).Base)
			}
			for _, f := range Evaluate(orig, got, Derive(orig).Expectations) {
				if modeInfo(f.Mode).Severity == rubric.SeverityBlock {
					t.Errorf("block failure mode %s: %s", f.Mode, f.Message)
				}
			}
		})
	}
}

func TestBuiltinRun(t *testing.T) {
	builtins := Builtins()
	if len(builtins) != 1 || builtins[0].Name != BuiltinName || builtins[0].Version == "" {
		t.Fatalf("Builtins() = %+v, want one %s with a version", builtins, BuiltinName)
	}
	run := builtins[0].Run

	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("Dockerfile", []byte(origGo), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	task := sut.Task{SchemaVersion: sut.TaskSchemaVersion, CaseID: "c1", TaskClass: "distroless", Epoch: 1}
	if err := run(t.Context(), task, &stdout, &stderr); err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "gcr.io/distroless/static-debian12:nonroot") {
		t.Errorf("Dockerfile after Run():\n%s\nwant a distroless final stage", data)
	}
	var report struct {
		CaseID string   `json:"case_id"`
		Notes  []string `json:"notes"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil || report.CaseID != "c1" || len(report.Notes) == 0 {
		t.Errorf("stdout = %s (error %v), want a JSON report with case_id c1 and notes", stdout.String(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("working directory holds %d entries after Run(), want only the Dockerfile", len(entries))
	}

	if err := os.Remove("Dockerfile"); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), task, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Run(no Dockerfile) error = %v, want one saying it is not found", err)
	}

	if err := os.WriteFile("Dockerfile", []byte("FROM alpine\nCOPY x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(t.Context(), task, &stdout, &stderr)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("Run(malformed Dockerfile) error = %v, want a *SyntaxError", err)
	}
}
