package rubric

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// external: {argv, timeout}. The program belongs to the task class, not to
// the SUT: argv[0] starting with "./" is resolved against the task class
// directory. It runs with the workspace as its working directory, reads
// CODEGENIE_WORKSPACE, CODEGENIE_ORIGINAL, CODEGENIE_CASE_DIR and
// CODEGENIE_EXPECTATIONS (a JSON file), and prints one JSON verdict:
//
//	{"passed": false, "score": 0.5, "failure_modes": [{"id": "x", "severity": "warn", "message": "..."}], "detail": "..."}
//
// A verdict that does not parse, or a non-zero exit, is a harness failure:
// the attempt is left unscored.
type external struct {
	Argv    []string `json:"argv"`
	Timeout string   `json:"timeout"`
	timeout time.Duration
}

// maxVerdictBytes caps what an external rubric may print.
const maxVerdictBytes = 1 << 20

func newExternal(params json.RawMessage) (Check, error) {
	var c external
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return nil, fmt.Errorf("missing parameter argv")
	}
	c.timeout = 60 * time.Second
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("invalid timeout %q: use a positive Go duration such as 30s", c.Timeout)
		}
		c.timeout = d
	}
	return &c, nil
}

// Verdict is the JSON object an external rubric prints.
type Verdict struct {
	Passed       bool          `json:"passed"`
	Score        *float64      `json:"score"`
	FailureModes []FailureMode `json:"failure_modes"`
	Detail       string        `json:"detail"`
}

func (c *external) Run(ctx context.Context, env *Env) (Result, error) {
	argv := append([]string(nil), c.Argv...)
	if strings.HasPrefix(argv[0], "./") {
		argv[0] = filepath.Join(env.TaskDir, argv[0])
	}

	expFile, err := os.CreateTemp("", "codegenie-expectations-*.json")
	if err != nil {
		return Result{}, fmt.Errorf("write expectations for external rubric: %w", err)
	}
	defer os.Remove(expFile.Name())
	if _, err := expFile.Write(env.Expectations); err != nil {
		expFile.Close()
		return Result{}, fmt.Errorf("write expectations for external rubric: %w", err)
	}
	if err := expFile.Close(); err != nil {
		return Result{}, fmt.Errorf("write expectations for external rubric: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = env.Workspace
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"CODEGENIE_WORKSPACE=" + env.Workspace,
		"CODEGENIE_ORIGINAL=" + env.Original,
		"CODEGENIE_CASE_DIR=" + env.CaseDir,
		"CODEGENIE_EXPECTATIONS=" + expFile.Name(),
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr cappedBuffer
	stdout.max, stderr.max = maxVerdictBytes, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err = cmd.Run()
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("external rubric %q timed out after %s", c.Argv[0], c.timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return Result{}, fmt.Errorf("external rubric %q failed with %v: %s", c.Argv[0], err, strings.TrimSpace(stderr.String()))
		}
		return Result{}, fmt.Errorf("start external rubric %q: %w", c.Argv[0], err)
	}
	if stdout.dropped > 0 {
		return Result{}, fmt.Errorf("external rubric %q printed more than %d bytes", c.Argv[0], maxVerdictBytes)
	}
	return parseVerdict(stdout.Bytes(), c.Argv[0])
}

func parseVerdict(data []byte, program string) (Result, error) {
	var v Verdict
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return Result{}, fmt.Errorf("external rubric %q printed an invalid verdict: %w", program, err)
	}
	if dec.More() {
		return Result{}, fmt.Errorf("external rubric %q printed data after the verdict", program)
	}
	res := Result{Passed: v.Passed, Detail: v.Detail, FailureModes: v.FailureModes}
	switch {
	case v.Score != nil:
		res.Score = *v.Score
	case v.Passed:
		res.Score = 1
	}
	if res.Score < 0 || res.Score > 1 {
		return Result{}, fmt.Errorf("external rubric %q: score %v outside [0, 1]", program, res.Score)
	}
	for _, fm := range v.FailureModes {
		if err := ValidateFailureModeID(fm.ID); err != nil {
			return Result{}, fmt.Errorf("external rubric %q: %w", program, err)
		}
		if err := fm.Severity.Validate(); err != nil {
			return Result{}, fmt.Errorf("external rubric %q: failure mode %q: %w", program, fm.ID, err)
		}
	}
	return res, nil
}

// cappedBuffer keeps the first max bytes written and counts the rest.
type cappedBuffer struct {
	bytes.Buffer
	max     int
	dropped int64
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.Len()
	if room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		b.dropped += int64(len(p) - max(room, 0))
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
