package sut

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Request is one start of a SUT (or of a rubric command that runs code the
// SUT wrote) in a prepared workspace.
type Request struct {
	Argv []string
	// Dir is the working directory: the case workspace copy.
	Dir string
	// Env is the complete environment, as KEY=VALUE pairs; nothing of the
	// caller's environment is added.
	Env []string
	// Stdin is written to the SUT's standard input, which is then closed.
	Stdin []byte
	// Timeout bounds the run; Grace is the time between SIGTERM and SIGKILL
	// to the process group once the timeout fires or the run is interrupted.
	Timeout time.Duration
	Grace   time.Duration
	// Stdout and Stderr receive the SUT's output. OutputCap bytes of each are
	// passed on; the excess is read, dropped and counted.
	Stdout, Stderr io.Writer
	OutputCap      int64
	// Limits are resource limits applied to the SUT process before it runs
	// its program, inherited by its children.
	Limits Limits
	// Isolation confines the process; nil means Subprocess.
	Isolation Isolation
}

// Result is the harness's observation of one SUT run.
type Result struct {
	ExitCode      int    // the exit status, or -1 when a signal ended it
	Signal        string // the signal that ended it, "" otherwise
	TimedOut      bool
	Interrupted   bool // the caller's context was cancelled first
	Duration      time.Duration
	StdoutBytes   int64 // bytes kept
	StdoutDropped int64 // bytes beyond OutputCap
	StderrBytes   int64
	StderrDropped int64
}

// StartError is returned when the SUT could not be started at all, which is
// a failure of the harness or of the SUT's declaration, never of the SUT's
// behaviour.
type StartError struct {
	Argv []string
	Err  error
}

func (e *StartError) Error() string {
	return fmt.Sprintf("start SUT %q: %v", e.Argv[0], e.Err)
}

func (e *StartError) Unwrap() error { return e.Err }

// Run starts the SUT, waits until it and every process of its process group
// has ended, and returns what happened. Under a supervising isolation class
// (Subprocess with a launcher, Bwrap), that covers every process the SUT
// started, also those that left the group. A timeout or a cancelled ctx
// sends SIGTERM to the SUT's processes, then SIGKILL after the grace period.
// Run returns an error only when the process could not be started.
func Run(ctx context.Context, req Request) (Result, error) {
	if len(req.Argv) == 0 {
		return Result{}, &StartError{Argv: []string{""}, Err: errors.New("empty command line")}
	}
	iso := req.Isolation
	if iso == nil {
		iso = Subprocess{}
	}
	if req.Grace <= 0 {
		req.Grace = 2 * time.Second
	}

	cmd, err := iso.Command(req)
	if err != nil {
		return Result{}, &StartError{Argv: req.Argv, Err: err}
	}
	cmd.Dir = req.Dir
	cmd.Env = req.Env
	// A new session is a new process group without a controlling terminal,
	// so the SUT cannot push input into the user's terminal (TIOCSTI).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}

	stdout := &cappedWriter{w: req.Stdout, cap: req.OutputCap}
	stderr := &cappedWriter{w: req.Stderr, cap: req.OutputCap}
	setup, checksSetup := iso.(setupReporter)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A daemon that escaped the group may keep the output pipes open; stop
	// reading them a grace period after the leader exited.
	cmd.WaitDelay = req.Grace
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Result{}, &StartError{Argv: req.Argv, Err: err}
	}

	runCtx := ctx
	var cancel context.CancelFunc
	if req.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}

	var cg *attemptCgroup
	if fc, ok := iso.(interface{ fastCgroupBase() string }); ok {
		if base := fc.fastCgroupBase(); base != "" {
			if cg, err = newAttemptCgroup(base); err != nil {
				return Result{}, &StartError{Argv: req.Argv, Err: err}
			}
			defer cg.remove()
		}
	}

	start := time.Now()
	if cg != nil {
		err = fastStart(cmd, cg, req.Limits)
	} else {
		err = cmd.Start()
	}
	if checksSetup {
		setup.startDone(cmd, err)
	}
	if err != nil {
		return Result{}, &StartError{Argv: req.Argv, Err: err}
	}
	pgid := cmd.Process.Pid
	var group procGroup = newProcessTree(pgid, supervisorDepth(iso))
	if cg != nil {
		group = cg
		go cg.killWhenLeaderExits(pgid)
	}
	if la, ok := iso.(interface{ limitsAfterStart(Request) bool }); ok && la.limitsAfterStart(req) {
		if err := req.Limits.applyTo(pgid); err != nil {
			killGroup(pgid)
			cmd.Wait()
			return Result{}, &StartError{Argv: req.Argv, Err: err}
		}
	}

	go func() {
		// A SUT that never reads stdin must not block the harness: the
		// write fails with EPIPE once the process is gone.
		stdin.Write(req.Stdin)
		stdin.Close()
	}()

	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()

	var waitErr error
	var stopped bool
	select {
	case waitErr = <-waitDone:
	case <-runCtx.Done():
		stopped = true
		waitErr = stopGroup(group, req.Grace, waitDone)
	}
	// Whatever the leader did, nothing of its group may outlive the attempt.
	killGroup(pgid)

	res := Result{Duration: time.Since(start)}
	res.StdoutBytes, res.StdoutDropped = stdout.kept, stdout.dropped
	res.StderrBytes, res.StderrDropped = stderr.kept, stderr.dropped
	if stopped {
		if ctx.Err() != nil {
			res.Interrupted = true
		} else {
			res.TimedOut = true
		}
	}
	res.ExitCode, res.Signal = exitStatus(cmd.ProcessState, waitErr)
	if checksSetup && !stopped {
		if err := setup.setupError(cmd); err != nil {
			return Result{}, &StartError{Argv: req.Argv, Err: fmt.Errorf("%w (exit status %d); its message is in the attempt's stderr: %s", err, res.ExitCode, stderr.tail())}
		}
	}
	return res, nil
}

// setupReporter is implemented by isolation classes that can tell when
// they failed to set up the SUT's confinement, so that such a failure
// leaves the attempt unscored instead of counting against the SUT.
type setupReporter interface {
	startDone(cmd *exec.Cmd, startErr error)
	setupError(cmd *exec.Cmd) error
}

// procGroup is the set of a SUT's processes that Run stops: a process tree
// below the leader, or an attempt cgroup.
type procGroup interface {
	terminate() // SIGTERM to the SUT's processes
	kill()      // SIGKILL to all of them
	alive() bool
}

// stopGroup sends SIGTERM to the SUT's processes, waits up to grace for the
// leader and the rest of them, then sends SIGKILL to all. It returns the
// leader's wait error.
func stopGroup(group procGroup, grace time.Duration, waitDone <-chan error) error {
	group.terminate()
	deadline := time.NewTimer(grace)
	defer deadline.Stop()

	var waitErr error
	select {
	case waitErr = <-waitDone:
	case <-deadline.C:
		group.kill()
		return <-waitDone
	}
	// The leader is gone; give the rest what is left of the grace period
	// before SIGKILL.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for group.alive() {
		select {
		case <-deadline.C:
			return waitErr
		case <-tick.C:
		}
	}
	return waitErr
}

func killGroup(pgid int) { syscall.Kill(-pgid, syscall.SIGKILL) }

func groupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }

func exitStatus(ps *os.ProcessState, waitErr error) (int, string) {
	if ps == nil {
		return -1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, ws.Signal().String()
	}
	return ps.ExitCode(), ""
}

// cappedWriter passes on the first cap bytes and counts the rest. It never
// returns an error to the copying goroutine, so the SUT's pipe is always
// drained and the SUT never blocks on a full pipe.
type cappedWriter struct {
	w       io.Writer
	cap     int64
	kept    int64
	dropped int64
	failed  bool
	last    []byte // the last bytes kept, for error messages
}

// tail returns the last line the writer kept, trimmed.
func (c *cappedWriter) tail() string {
	s := strings.TrimSpace(string(c.last))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	n := int64(len(p))
	room := c.cap - c.kept
	if room < 0 {
		room = 0
	}
	keep := min(n, room)
	if keep > 0 && c.w != nil && !c.failed {
		if _, err := c.w.Write(p[:keep]); err != nil {
			c.failed = true
		}
	}
	c.kept += keep
	c.dropped += n - keep
	if keep > 0 {
		c.last = append(c.last, p[:keep]...)
		if len(c.last) > 512 {
			c.last = c.last[len(c.last)-512:]
		}
	}
	return len(p), nil
}

// Limits are POSIX resource limits for a SUT. A zero field leaves that limit
// as inherited.
type Limits struct {
	CPUSeconds uint64 // RLIMIT_CPU
	OpenFiles  uint64 // RLIMIT_NOFILE
	FileBytes  uint64 // RLIMIT_FSIZE, the largest file the SUT may write
	Processes  uint64 // RLIMIT_NPROC; NOTE: Linux does not enforce it for root
}

func (l Limits) args() []string {
	var a []string
	add := func(name string, v uint64) {
		if v > 0 {
			a = append(a, "--"+name+"="+strconv.FormatUint(v, 10))
		}
	}
	add("cpu", l.CPUSeconds)
	add("nofile", l.OpenFiles)
	add("fsize", l.FileBytes)
	add("nproc", l.Processes)
	return a
}
