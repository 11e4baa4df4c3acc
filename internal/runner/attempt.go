package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// attemptRunner runs single attempts; it is shared by the workers.
type attemptRunner struct {
	// removals receives scratch directories to remove; see removeLater.
	removals  chan string
	r         *Runner
	spec      sut.Spec
	argv      []string // spec.Argv with the program's absolute path
	timeout   time.Duration
	scratch   string
	taskClass string
	log       *slog.Logger
}

type attemptResult struct {
	attempt     report.Attempt
	artifacts   []report.Artifact
	interrupted bool
}

// Failure modes the harness itself records.
const (
	modeSUTTimeout  = "sut-timeout"
	modeSUTExit     = "sut-nonzero-exit"
	modeSUTSignaled = "sut-killed-by-signal"
	modeOutputCap   = "sut-output-truncated"
)

// run runs one attempt, retrying harness failures up to Retries times.
func (a *attemptRunner) run(ctx context.Context, c *bench.Case, epoch int) attemptResult {
	var res attemptResult
	for try := 0; try <= a.r.Retries; try++ {
		res = a.once(ctx, c, epoch, try)
		if res.attempt.Scored || res.interrupted || ctx.Err() != nil {
			return res
		}
		a.log.Warn("attempt unscored", "case_id", c.ID, "attempt", epoch, "try", try+1, "error", res.attempt.Error)
	}
	return res
}

func (a *attemptRunner) once(ctx context.Context, c *bench.Case, epoch, try int) attemptResult {
	r := a.r
	att := report.Attempt{Epoch: epoch, Checks: []report.Check{}, FailureModes: []report.FailureMode{}}
	unscored := func(format string, args ...any) attemptResult {
		att.Scored = false
		att.Score = nil
		att.Error = fmt.Sprintf(format, args...)
		return attemptResult{attempt: att}
	}

	// Every directory made here costs a file system round trip per attempt
	// (about 0.5 ms on ext4 in a VM), so the layout stays flat:
	// <scratch>/<case>.<epoch>.<try>/{workspace/,task.json}, and that
	// directory is the SUT's HOME and TMPDIR too.
	dir := filepath.Join(a.scratch, c.ID+"."+strconv.Itoa(epoch)+"."+strconv.Itoa(try))
	ws := filepath.Join(dir, "workspace")
	home := dir
	if err := os.Mkdir(dir, 0o700); err != nil {
		return unscored("create scratch directory: %v", err)
	}
	// The attempt's processes are gone when once returns, so nothing writes
	// to dir any more. Removing it in the background lets the next attempt
	// start sooner.
	defer a.removeLater(dir)
	if err := sut.CopyTree(c.Workspace(), ws); err != nil {
		return unscored("copy workspace: %v", err)
	}

	task := sut.Task{
		SchemaVersion: sut.TaskSchemaVersion,
		CaseID:        c.ID,
		TaskClass:     a.taskClass,
		Epoch:         epoch,
		Seed:          r.Seed,
		Task:          c.Task,
		Metadata:      c.Metadata,
	}
	taskJSON, err := json.Marshal(task)
	if err != nil {
		return unscored("encode task: %v", err)
	}
	taskFile := filepath.Join(dir, "task.json")
	if err := os.WriteFile(taskFile, taskJSON, 0o644); err != nil {
		return unscored("write task file: %v", err)
	}

	env := a.environment(map[string]string{
		"HOME":                 home,
		"TMPDIR":               home,
		"CODEGENIE_TASK":       taskFile,
		"CODEGENIE_CASE_ID":    c.ID,
		"CODEGENIE_EPOCH":      strconv.Itoa(epoch),
		"CODEGENIE_TASK_CLASS": a.taskClass,
		"CODEGENIE_SEED":       strconv.FormatInt(r.Seed, 10),
	}, a.spec.Env)

	stdout, stderr := newArtifactBuffer("stdout"), newArtifactBuffer("stderr")

	a.log.Debug("attempt started", "case_id", c.ID, "attempt", epoch)
	res, err := sut.Run(ctx, sut.Request{
		Argv:      a.argv,
		Dir:       ws,
		Env:       env,
		Stdin:     taskJSON,
		Timeout:   a.timeout,
		Grace:     r.Grace,
		Stdout:    stdout,
		Stderr:    stderr,
		OutputCap: r.OutputCap,
		Limits:    r.Limits,
		Isolation: r.Isolation,
	})
	if err != nil {
		return unscored("%v", err)
	}
	if !r.Frozen {
		att.DurationMS = res.Duration.Milliseconds()
	}
	if res.Interrupted {
		return attemptResult{attempt: att, interrupted: true}
	}

	var artifacts []report.Artifact
	for _, f := range []struct {
		file    *artifactBuffer
		kept    int64
		dropped int64
	}{{stdout, res.StdoutBytes, res.StdoutDropped}, {stderr, res.StderrBytes, res.StderrDropped}} {
		art, err := f.file.store(r.StateDir, epoch, f.dropped)
		if err != nil {
			return unscored("store %s: %v", f.file.name, err)
		}
		artifacts = append(artifacts, art)
	}

	var modes []rubric.FailureMode
	if res.Signal != "" {
		att.Signal = res.Signal
	} else {
		code := res.ExitCode
		att.ExitCode = &code
	}
	att.TimedOut = res.TimedOut
	switch {
	case res.TimedOut:
		modes = append(modes, rubric.FailureMode{ID: modeSUTTimeout, Severity: rubric.SeverityWarn,
			Message: fmt.Sprintf("the SUT ran longer than %s and its process group was killed", a.timeout)})
	case res.Signal != "":
		modes = append(modes, rubric.FailureMode{ID: modeSUTSignaled, Severity: rubric.SeverityWarn,
			Message: "the SUT was killed by " + res.Signal})
	case res.ExitCode != 0:
		modes = append(modes, rubric.FailureMode{ID: modeSUTExit, Severity: rubric.SeverityInfo,
			Message: fmt.Sprintf("the SUT exited with status %d", res.ExitCode)})
	}
	if res.StdoutDropped > 0 || res.StderrDropped > 0 {
		modes = append(modes, rubric.FailureMode{ID: modeOutputCap, Severity: rubric.SeverityInfo,
			Message: fmt.Sprintf("the SUT wrote more than %d bytes to an output stream; %d bytes of stdout and %d of stderr were dropped", r.OutputCap, res.StdoutDropped, res.StderrDropped)})
	}

	outcome, err := a.scoreWorkspace(ctx, c, ws)
	if err != nil {
		if ctx.Err() != nil {
			return attemptResult{attempt: att, interrupted: true}
		}
		return unscored("%v", err)
	}
	modes = append(modes, outcome.FailureModes...)
	score := outcome.Score
	att.Scored = true
	att.Score = &score
	for _, ch := range outcome.Checks {
		att.Checks = append(att.Checks, report.Check{ID: ch.ID, Passed: ch.Passed, Score: ch.Score, Detail: ch.Detail})
	}
	att.FailureModes = toReportModes(modes)
	a.log.Debug("attempt finished", "case_id", c.ID, "attempt", epoch, "score", score, "exit_code", res.ExitCode)
	return attemptResult{attempt: att, artifacts: artifacts}
}

// removeLater queues dir for removal by the run's remover goroutine, or
// removes it at once when the queue is full.
func (a *attemptRunner) removeLater(dir string) {
	select {
	case a.removals <- dir:
	default:
		sut.RemoveTree(dir)
	}
}

// scoreWorkspace scores the finished workspace ws of case c.
func (a *attemptRunner) scoreWorkspace(ctx context.Context, c *bench.Case, ws string) (rubric.Outcome, error) {
	env := &rubric.Env{
		Workspace:    ws,
		Original:     c.Workspace(),
		CaseDir:      c.Dir,
		TaskDir:      a.r.TaskClass.Dir,
		Expectations: c.Expectations,
		Exec:         &executor{a: a, caseID: c.ID},
	}
	return a.r.TaskClass.Rubric.Score(ctx, env)
}

// environment returns the SUT's complete environment: the base variables,
// the per-attempt ones, then the declared ones, sorted.
func (a *attemptRunner) environment(attempt map[string]string, declared map[string]string) []string {
	all := map[string]string{}
	for k, v := range a.r.BaseEnv {
		all[k] = v
	}
	for k, v := range attempt {
		all[k] = v
	}
	for k, v := range declared {
		all[k] = v
	}
	env := make([]string, 0, len(all))
	for k, v := range all {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

func toReportModes(modes []rubric.FailureMode) []report.FailureMode {
	byID := map[string]rubric.FailureMode{}
	for _, fm := range modes {
		if _, ok := byID[fm.ID]; !ok {
			byID[fm.ID] = fm
		}
	}
	out := []report.FailureMode{}
	for _, fm := range rubric.SortFailureModes(byID) {
		out = append(out, report.FailureMode{ID: fm.ID, Severity: string(fm.Severity), Message: fm.Message})
	}
	return out
}

// executor runs rubric commands under the run's isolation class, in a
// fresh home and temporary directory, with the run's limits.
type executor struct {
	a      *attemptRunner
	caseID string
}

// execOutputCap caps what a rubric command's output keeps.
const execOutputCap = 64 << 10

func (e *executor) Exec(ctx context.Context, req rubric.ExecRequest) (rubric.ExecResult, error) {
	r := e.a.r
	dir, err := os.MkdirTemp(e.a.scratch, "exec-")
	if err != nil {
		return rubric.ExecResult{}, fmt.Errorf("create scratch directory: %w", err)
	}
	defer sut.RemoveTree(dir)
	home, tmp := filepath.Join(dir, "home"), filepath.Join(dir, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return rubric.ExecResult{}, err
		}
	}
	extra := map[string]string{}
	for _, kv := range req.Env {
		if k, v, ok := bytes.Cut([]byte(kv), []byte("=")); ok {
			extra[string(k)] = string(v)
		}
	}
	env := e.a.environment(map[string]string{"HOME": home, "TMPDIR": tmp}, extra)
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = e.a.timeout
	}
	var out bytes.Buffer
	res, err := sut.Run(ctx, sut.Request{
		Argv: req.Argv, Dir: req.Dir, Env: env, Timeout: timeout, Grace: r.Grace,
		Stdout: &out, Stderr: &out, OutputCap: execOutputCap, Limits: r.Limits, Isolation: r.Isolation,
	})
	if err != nil {
		return rubric.ExecResult{}, err
	}
	if res.Interrupted {
		return rubric.ExecResult{}, ctx.Err()
	}
	return rubric.ExecResult{ExitCode: res.ExitCode, TimedOut: res.TimedOut, Output: out.Bytes()}, nil
}
