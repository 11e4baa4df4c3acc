package distroless

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegenie/codegenie/internal/rubric"
)

// buildCheck returns a distroless_migration check with params built
// through a registry, as a task class builds it.
func buildCheck(t *testing.T, params string) rubric.Check {
	t.Helper()
	reg := rubric.NewRegistry()
	Register(reg)
	c, err := reg.Build(CheckKind, json.RawMessage(params))
	if err != nil {
		t.Fatalf("Build(%s, %s) error = %v", CheckKind, params, err)
	}
	return c
}

// checkEnv writes the original and (unless migrated is nil) the migrated
// Dockerfile into fresh directories and returns the rubric environment.
// exp nil leaves the expectations "null", so the check derives them.
func checkEnv(t *testing.T, orig string, migrated *string, exp *Expectations) *rubric.Env {
	t.Helper()
	env := &rubric.Env{Workspace: t.TempDir(), Original: t.TempDir(), Expectations: json.RawMessage("null")}
	if err := os.WriteFile(filepath.Join(env.Original, "Dockerfile"), []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if migrated != nil {
		if err := os.WriteFile(filepath.Join(env.Workspace, "Dockerfile"), []byte(*migrated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if exp != nil {
		raw, err := json.Marshal(exp)
		if err != nil {
			t.Fatal(err)
		}
		env.Expectations = raw
	}
	return env
}

func runCheck(t *testing.T, params, orig string, migrated *string, exp *Expectations) rubric.Result {
	t.Helper()
	res, err := buildCheck(t, params).Run(t.Context(), checkEnv(t, orig, migrated, exp))
	if err != nil {
		t.Fatalf("Run() error = %v, want a result", err)
	}
	return res
}

func str(s string) *string { return &s }

func modeIDs(res rubric.Result) []string {
	var ids []string
	for _, fm := range res.FailureModes {
		ids = append(ids, fm.ID)
	}
	return ids
}

func findMode(res rubric.Result, id string) (rubric.FailureMode, bool) {
	for _, fm := range res.FailureModes {
		if fm.ID == id {
			return fm, true
		}
	}
	return rubric.FailureMode{}, false
}

const origGo = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM debian:12-slim
RUN apt-get update && apt-get install -y ca-certificates curl
COPY --from=build /out/app /usr/local/bin/app
COPY config.yaml /etc/app/config.yaml
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`

const goBuildStage = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

`

const goodGo = goBuildStage + `FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /usr/local/bin/app
COPY config.yaml /etc/app/config.yaml
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`

// goFinal returns a migrated Go Dockerfile whose final stage is body.
func goFinal(body string) *string { return str(goBuildStage + body) }

func TestCheckCorrectMigrations(t *testing.T) {
	tests := []struct {
		name           string
		orig, migrated string
	}{
		{name: "go static nonroot", orig: origGo, migrated: goodGo},
		{
			name:     "go with reformatted build stage",
			orig:     origGo,
			migrated: strings.Replace(goodGo, "COPY . .", "# The same instruction, spaced out.\nCOPY   .    .", 1),
		},
		{
			name: "base named by a changed ARG default",
			orig: "ARG RUNTIME=debian:12-slim\n" + goBuildStage + "FROM ${RUNTIME}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
			migrated: "ARG RUNTIME=gcr.io/distroless/static-debian12:nonroot\n" + goBuildStage +
				"FROM ${RUNTIME}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
		},
		{
			name: "node with the image's entrypoint",
			orig: `FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM node:20-slim
WORKDIR /app
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
`,
			migrated: `FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
COPY --from=build /app/dist ./dist
CMD ["dist/server.js"]
`,
		},
		{
			name: "python module",
			orig: `FROM python:3.11-slim AS build
RUN pip install --prefix=/install requests
FROM python:3.11-slim
COPY --from=build /install /usr/local
COPY worker /srv/worker
WORKDIR /srv
CMD ["python", "-m", "worker"]
`,
			migrated: `FROM python:3.11-slim AS build
RUN pip install --prefix=/install requests
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /install /usr/local
COPY worker /srv/worker
WORKDIR /srv
CMD ["-m", "worker"]
`,
		},
		{
			name: "java jar",
			orig: `FROM maven:3.9-eclipse-temurin-17 AS build
RUN mvn package
FROM eclipse-temurin:17-jre
COPY --from=build /target/app.jar /app/app.jar
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
`,
			migrated: `FROM maven:3.9-eclipse-temurin-17 AS build
RUN mvn package
FROM gcr.io/distroless/java17-debian12:nonroot
COPY --from=build /target/app.jar /app/app.jar
CMD ["/app/app.jar"]
`,
		},
		{
			name: "rust glibc with a moved library",
			orig: `FROM rust:1.77 AS build
RUN cargo build --release
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y libpq5 ca-certificates
COPY --from=build /target/release/svc /usr/local/bin/svc
ENTRYPOINT ["svc"]
`,
			migrated: `FROM rust:1.77 AS build
RUN cargo build --release
FROM debian:12-slim AS libs
RUN apt-get update && apt-get install -y libpq5
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=libs /usr/lib/x86_64-linux-gnu/libpq.so.5 /usr/lib/x86_64-linux-gnu/
COPY --from=build /target/release/svc /usr/local/bin/svc
ENTRYPOINT ["svc"]
`,
		},
		{
			name: "new stage before an unnamed build stage",
			orig: `FROM golang:1.22
RUN go build -o /app .
FROM alpine
COPY --from=0 /app /app
CMD ["/app"]
`,
			migrated: `FROM alpine AS certs
RUN apk add ca-certificates
FROM golang:1.22
RUN go build -o /app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=1 /app /app
CMD ["/app"]
`,
		},
		{
			name: "artefact copied through an intermediate stage",
			orig: origGo,
			migrated: goBuildStage + `FROM busybox AS layout
COPY --from=build /out/app /rootfs/usr/local/bin/app
COPY config.yaml /rootfs/etc/app/config.yaml
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=layout /rootfs/ /
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`,
		},
		{
			name: "user from a copied passwd file",
			orig: goBuildStage + "FROM alpine\nRUN adduser -D app\nCOPY --from=build /out/app /app\nUSER app\nENTRYPOINT [\"/app\"]\n",
			migrated: goBuildStage + "FROM alpine AS users\nRUN adduser -D app\n" +
				"FROM gcr.io/distroless/static-debian12\nCOPY --from=users /etc/passwd /etc/passwd\nCOPY --from=build /out/app /app\nUSER app\nENTRYPOINT [\"/app\"]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCheck(t, "{}", tt.orig, str(tt.migrated), nil)
			if !res.Passed || res.Score != 1 {
				t.Errorf("Run() = passed %v, score %v, modes %v; want a pass with score 1\n%+v", res.Passed, res.Score, modeIDs(res), res.FailureModes)
			}
			for _, fm := range res.FailureModes {
				if modeInfo(fm.ID).Fails {
					t.Errorf("failure mode %s (%s) on a correct migration", fm.ID, fm.Message)
				}
			}
		})
	}
}

// modeCases has one crafted Dockerfile per failure mode. TestCheckModeTable
// checks that every mode of Modes has one.
var modeCases = []struct {
	mode     string
	params   string
	orig     string
	migrated *string
	exp      *Expectations
}{
	{mode: ModeDockerfileMissing, orig: origGo, migrated: nil},
	{mode: ModeDockerfileInvalid, orig: origGo, migrated: str("FROM alpine\nFORM debian\n")},
	{mode: ModeArtefactDropped, orig: origGo, migrated: goFinal(`FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`)},
	{mode: ModeBuildStageChanged, orig: origGo, migrated: str(strings.Replace(goodGo, "go build -o", "go build -ldflags=-s -o", 1))},
	{mode: ModeBaseNotDistroless, orig: origGo, migrated: goFinal(`FROM alpine:3.19
COPY --from=build /out/app /usr/local/bin/app
COPY config.yaml /etc/app/config.yaml
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`)},
	{mode: ModeBaseUnresolved, orig: origGo, migrated: str("ARG RUNTIME\n" + goBuildStage + `FROM ${RUNTIME}
COPY --from=build /out/app /usr/local/bin/app
COPY config.yaml /etc/app/config.yaml
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
`)},
	{mode: ModeDebugImage, orig: origGo, migrated: str(strings.Replace(goodGo, ":nonroot", ":debug-nonroot", 1))},
	{mode: ModeRunInFinalStage, orig: origGo, migrated: str(goodGo + "RUN mkdir -p /data\n")},
	{mode: ModeShellFormCommand, orig: origGo, migrated: str(strings.Replace(goodGo, `CMD ["serve"]`, "CMD serve", 1))},
	{mode: ModeShellInstruction, orig: origGo, migrated: str(goodGo + "SHELL [\"/busybox/sh\", \"-c\"]\n")},
	{mode: ModeShellEntrypoint, orig: origGo, migrated: str(strings.Replace(goodGo, `ENTRYPOINT ["/usr/local/bin/app"]`, `ENTRYPOINT ["/bin/sh", "/start.sh"]`, 1))},
	{mode: ModeHealthcheckNeedsShell, orig: origGo, migrated: str(goodGo + "HEALTHCHECK CMD /usr/local/bin/app health\n")},
	{mode: ModeHealthcheckNeedsTool, orig: origGo, migrated: str(goodGo + "HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost:8080/\"]\n")},
	{mode: ModeCommandNotFound, orig: origGo, migrated: str(strings.Replace(goodGo, `ENTRYPOINT ["/usr/local/bin/app"]`, `ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/app"]`, 1))},
	{
		mode: ModeInterpreterMissing,
		orig: `FROM python:3.11-slim AS build
RUN python -m venv /opt/venv && /opt/venv/bin/pip install gunicorn
FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
CMD ["gunicorn", "app:app"]
`,
		migrated: str(`FROM python:3.11-slim AS build
RUN python -m venv /opt/venv && /opt/venv/bin/pip install gunicorn
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
ENTRYPOINT ["gunicorn", "app:app"]
`),
	},
	{
		mode:     ModePackageDropped,
		orig:     strings.Replace(origGo, "ca-certificates curl", "ca-certificates curl libpq5", 1),
		migrated: str(goodGo),
	},
	{mode: ModeEntrypointChanged, orig: origGo, migrated: str(strings.Replace(goodGo, `CMD ["serve"]`, `CMD ["migrate"]`, 1))},
	{mode: ModeVariantMismatch, orig: origGo, migrated: str(strings.Replace(goodGo, "static-debian12", "nodejs22-debian12", 1))},
	{
		mode:     ModeRuntimeTooOld,
		orig:     "FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
		migrated: str("FROM gcr.io/distroless/java17-debian12:nonroot\nCOPY app.jar /app.jar\nCMD [\"/app.jar\"]\n"),
	},
	{mode: ModeUnknownUser, orig: origGo, migrated: str(goodGo + "USER app\n")},
	{mode: ModeArtefactMoved, orig: origGo, migrated: str(strings.Replace(goodGo, "/etc/app/config.yaml", "/etc/other/config.yaml", 1))},
	{
		mode:     ModeRuntimeVersion,
		orig:     "FROM eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
		migrated: str("FROM gcr.io/distroless/java21-debian12:nonroot\nCOPY app.jar /app.jar\nCMD [\"/app.jar\"]\n"),
	},
	{mode: ModeRunsAsRoot, orig: origGo, migrated: str(strings.Replace(goodGo, ":nonroot", "", 1))},
	{mode: ModeRunsAsRoot, params: `{"require_nonroot": true}`, orig: origGo, migrated: str(goodGo + "USER root\n")},
}

func TestCheckFailureModes(t *testing.T) {
	for _, tc := range modeCases {
		name := tc.mode
		if tc.params != "" {
			name += " with " + tc.params
		}
		t.Run(name, func(t *testing.T) {
			params := tc.params
			if params == "" {
				params = "{}"
			}
			res := runCheck(t, params, tc.orig, tc.migrated, tc.exp)
			fm, ok := findMode(res, tc.mode)
			if !ok {
				t.Fatalf("failure modes = %v, want %s", modeIDs(res), tc.mode)
			}
			info := modeInfo(tc.mode)
			if fm.Severity != info.Severity {
				t.Errorf("%s severity = %s, want %s", tc.mode, fm.Severity, info.Severity)
			}
			if fm.Message == "" {
				t.Errorf("%s has an empty message", tc.mode)
			}
			wantFail := info.Fails || strings.Contains(params, "require_nonroot")
			if res.Passed == wantFail {
				t.Errorf("Passed = %v with modes %v, want %v", res.Passed, modeIDs(res), !wantFail)
			}
			if wantFail && res.Score != 0 {
				t.Errorf("Score = %v, want 0", res.Score)
			}
			if !wantFail && res.Score != 1 {
				t.Errorf("Score = %v, want 1 for a recorded mode", res.Score)
			}
			if !wantFail && len(res.FailureModes) != 1 {
				t.Errorf("failure modes = %v, want only %s so that the case tests it alone", modeIDs(res), tc.mode)
			}
		})
	}
}

func TestCheckModeTable(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range modeCases {
		covered[tc.mode] = true
	}
	seen := map[string]bool{}
	for _, m := range Modes {
		if seen[m.ID] {
			t.Errorf("mode %s is listed twice in Modes", m.ID)
		}
		seen[m.ID] = true
		if err := rubric.ValidateFailureModeID(m.ID); err != nil {
			t.Errorf("mode %s: %v", m.ID, err)
		}
		if err := m.Severity.Validate(); err != nil {
			t.Errorf("mode %s: %v", m.ID, err)
		}
		if !covered[m.ID] {
			t.Errorf("mode %s has no crafted Dockerfile in modeCases", m.ID)
		}
		if m.Severity == rubric.SeverityBlock && !m.Fails {
			t.Errorf("mode %s is block but does not fail the check", m.ID)
		}
	}
}

func TestCheckInvalidWorkspaceDockerfiles(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"comments only", "# nothing here\n"},
		{"malformed", "FROM alpine\nCOPY onlyone\n"},
		{"ten megabytes", "FROM alpine\n" + strings.Repeat("RUN echo padding\n", 10<<20/17)},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res := runCheck(t, "{}", origGo, str(tt.data), nil)
			fm, ok := findMode(res, ModeDockerfileInvalid)
			if !ok {
				t.Fatalf("failure modes = %v, want %s", modeIDs(res), ModeDockerfileInvalid)
			}
			if fm.Severity != rubric.SeverityBlock || res.Passed {
				t.Errorf("result = %+v, want a failed check with a block mode", res)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("check took %v", d)
			}
		})
	}
}

func TestCheckDockerfileSymlinkOutsideWorkspace(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(outside, []byte(goodGo), 0o644); err != nil {
		t.Fatal(err)
	}
	env := checkEnv(t, origGo, nil, nil)
	if err := os.Symlink(outside, filepath.Join(env.Workspace, "Dockerfile")); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
	res, err := buildCheck(t, "{}").Run(t.Context(), env)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if _, ok := findMode(res, ModeDockerfileMissing); !ok || res.Passed {
		t.Errorf("Run() = %+v, want %s: the link leaves the workspace", res, ModeDockerfileMissing)
	}
}

func TestCheckDockerfileIsDirectory(t *testing.T) {
	env := checkEnv(t, origGo, nil, nil)
	if err := os.Mkdir(filepath.Join(env.Workspace, "Dockerfile"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := buildCheck(t, "{}").Run(t.Context(), env)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if _, ok := findMode(res, ModeDockerfileMissing); !ok {
		t.Errorf("failure modes = %v, want %s", modeIDs(res), ModeDockerfileMissing)
	}
}

func TestCheckHarnessErrors(t *testing.T) {
	c := buildCheck(t, "{}")

	env := checkEnv(t, origGo, str(goodGo), nil)
	env.Expectations = json.RawMessage(`{"dockerfile": "Dockerfile", "surprise": 1}`)
	if _, err := c.Run(t.Context(), env); err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("Run(unknown expectation) error = %v, want one naming the unknown member", err)
	}

	env = checkEnv(t, origGo, str(goodGo), nil)
	env.Expectations = json.RawMessage(`{"dockerfile": "../Dockerfile"}`)
	if _, err := c.Run(t.Context(), env); err == nil {
		t.Errorf("Run(dockerfile outside workspace) error = nil, want an error")
	}

	env = checkEnv(t, origGo, str(goodGo), nil)
	env.Expectations = json.RawMessage(`{"dockerfile": "Dockerfile", "language": "cobol"}`)
	if _, err := c.Run(t.Context(), env); err == nil {
		t.Errorf("Run(unknown language) error = nil, want an error")
	}

	env = checkEnv(t, origGo, str(goodGo), nil)
	env.Original = t.TempDir()
	if _, err := c.Run(t.Context(), env); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Run(no original Dockerfile) error = %v, want one wrapping os.ErrNotExist", err)
	}

	env = checkEnv(t, "FROM", str(goodGo), nil)
	if _, err := c.Run(t.Context(), env); err == nil {
		t.Errorf("Run(original does not parse) error = nil, want an error")
	}

	env = checkEnv(t, origGo, str(goodGo), nil)
	env.Original = ""
	if _, err := c.Run(t.Context(), env); err == nil {
		t.Errorf("Run(no original directory) error = nil, want an error")
	}
}

func TestCheckParams(t *testing.T) {
	reg := rubric.NewRegistry()
	Register(reg)
	for _, params := range []string{`{"unknown": true}`, `{"dockerfile": "/etc/passwd"}`, `{"dockerfile": "../x"}`, `{"require_nonroot": "yes"}`} {
		if _, err := reg.Build(CheckKind, json.RawMessage(params)); err == nil {
			t.Errorf("Build(%s) error = nil, want an error", params)
		}
	}

	env := checkEnv(t, origGo, nil, nil)
	if err := os.MkdirAll(filepath.Join(env.Workspace, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.Workspace, "deploy", "Dockerfile"), []byte(goodGo), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(env.Original, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.Original, "deploy", "Dockerfile"), []byte(origGo), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := buildCheck(t, `{"dockerfile": "deploy/Dockerfile"}`).Run(t.Context(), env)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if !res.Passed {
		t.Errorf("Run(dockerfile in deploy/) = %v, want a pass", modeIDs(res))
	}
}

func TestCheckUsesCaseExpectations(t *testing.T) {
	orig := mustParse(t, origGo)
	exp := Derive(orig).Expectations
	exp.Artefacts = append(exp.Artefacts, Artefact{From: "build", Source: "/out/extra", Dest: "/extra"})
	res := runCheck(t, "{}", origGo, str(goodGo), &exp)
	if _, ok := findMode(res, ModeArtefactDropped); !ok {
		t.Errorf("failure modes = %v, want %s for the artefact only the expectations name", modeIDs(res), ModeArtefactDropped)
	}
}

func TestRubricScoresTheCheck(t *testing.T) {
	reg := rubric.NewRegistry()
	Register(reg)
	r, err := rubric.Compile(rubric.Spec{Scoring: rubric.ScoringBinary, Checks: []rubric.CheckSpec{{ID: "migrated", Kind: CheckKind}}}, reg)
	if err != nil {
		t.Fatalf("Compile() error = %v", err)
	}

	out, err := r.Score(context.Background(), checkEnv(t, origGo, str(origGo), nil))
	if err != nil {
		t.Fatalf("Score(unchanged) error = %v", err)
	}
	if out.Score != 0 || len(out.FailureModes) != 1 || out.FailureModes[0].ID != ModeBaseNotDistroless {
		t.Errorf("Score(unchanged) = %v %+v, want 0 with only %s", out.Score, out.FailureModes, ModeBaseNotDistroless)
	}

	out, err = r.Score(context.Background(), checkEnv(t, origGo, str(strings.Replace(goodGo, ":nonroot", "", 1)), nil))
	if err != nil {
		t.Fatalf("Score(root) error = %v", err)
	}
	if out.Score != 1 || len(out.FailureModes) != 1 || out.FailureModes[0].Severity != rubric.SeverityInfo {
		t.Errorf("Score(root) = %v %+v, want 1 with one info mode", out.Score, out.FailureModes)
	}
}

// TestReadmeListsModes keeps the failure-mode table of
// benches/distroless/README.md in step with Modes.
func TestReadmeListsModes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(bundledTaskDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, m := range Modes {
		effect := "recorded"
		if m.Fails {
			effect = "fails"
		}
		row := "| " + m.ID + " | " + string(m.Severity) + " | " + effect + " | " + m.Meaning + " |"
		if !strings.Contains(readme, row+"\n") {
			t.Errorf("README.md lacks the row\n%s", row)
		}
	}
	if got := strings.Count(readme, "\n| ") - 2; got != len(Modes) {
		t.Errorf("README.md has %d table rows below the header and separator, want %d", got, len(Modes))
	}

	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Modes {
		effect := "recorded"
		if m.Fails {
			effect = "fails"
		}
		if !strings.Contains(string(doc), "//\t"+padRight(m.ID, 25)+padRight(string(m.Severity), 10)+effect) {
			t.Errorf("doc.go lacks the table row of %s (%s, %s)", m.ID, m.Severity, effect)
		}
	}
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-len(s))
}
