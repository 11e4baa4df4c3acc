package sut

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// LaunchCommand is the hidden argument that turns the codegenie binary into
// the launcher: "codegenie __launch [--cpu=N] [--nofile=N] [--fsize=N]
// [--nproc=N] -- ARGV...". The launcher applies the limits to itself, then
// runs a builtin SUT in process or replaces itself with ARGV. With
// "__launch --supervise [limits] -- ARGV..." it supervises a plain launcher
// instead (see superviseFlag).
const LaunchCommand = "__launch"

// MaybeLaunch runs the launcher and exits when args (os.Args[1:]) start with
// LaunchCommand; otherwise it returns at once. Call it first in main, and in
// TestMain of tests that start SUTs through the test binary.
func MaybeLaunch(args []string, builtins []Builtin) {
	if len(args) == 0 || args[0] != LaunchCommand {
		return
	}
	os.Exit(launch(args[1:], builtins, os.Stdout, os.Stderr))
}

func launch(args []string, builtins []Builtin, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == superviseFlag {
		return supervise(args[1:], stderr)
	}
	sep := -1
	for i, a := range args {
		if a == "--" {
			sep = i
			break
		}
	}
	if sep < 0 || sep == len(args)-1 {
		fmt.Fprintln(stderr, "codegenie launcher: usage: __launch [limits] -- ARGV...")
		return 126
	}
	if err := applyLimits(args[:sep]); err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: %v\n", err)
		return 126
	}
	if err := restrictSelf(); err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: %v\n", err)
		return 126
	}
	argv := args[sep+1:]

	if name, ok := strings.CutPrefix(argv[0], BuiltinPrefix); ok {
		return runBuiltin(name, builtins, stdout, stderr)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(stderr, "codegenie launcher: exec %q: %v\n", path, err)
	return 126
}

// applyLimits applies the launcher's limit flags to the launcher itself.
func applyLimits(flags []string) error {
	l, err := parseLimits(flags)
	if err != nil {
		return err
	}
	return l.applyTo(0)
}

// parseLimits parses the launcher's limit flags, the inverse of Limits.args.
func parseLimits(flags []string) (Limits, error) {
	var l Limits
	for _, f := range flags {
		name, value, ok := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if !ok || !strings.HasPrefix(f, "--") {
			return Limits{}, fmt.Errorf("invalid limit %q", f)
		}
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return Limits{}, fmt.Errorf("invalid limit %q: %w", f, err)
		}
		switch name {
		case "cpu":
			l.CPUSeconds = v
		case "nofile":
			l.OpenFiles = v
		case "fsize":
			l.FileBytes = v
		case "nproc":
			l.Processes = v
		default:
			return Limits{}, fmt.Errorf("unknown limit %q", name)
		}
	}
	return l, nil
}

// applyTo sets the limits on process pid (0 means this process) with
// prlimit(2). A limit above the hard limit the harness itself runs under is
// lowered to that hard limit, because only a privileged process may raise
// it.
func (l Limits) applyTo(pid int) error {
	for _, r := range []struct {
		name     string
		resource int
		value    uint64
	}{
		{"cpu", unix.RLIMIT_CPU, l.CPUSeconds},
		{"nofile", unix.RLIMIT_NOFILE, l.OpenFiles},
		{"fsize", unix.RLIMIT_FSIZE, l.FileBytes},
		{"nproc", unix.RLIMIT_NPROC, l.Processes},
	} {
		if r.value == 0 {
			continue
		}
		lim := unix.Rlimit{Cur: r.value, Max: r.value}
		var cur unix.Rlimit
		if err := unix.Prlimit(pid, r.resource, nil, &cur); err == nil && cur.Max < r.value {
			lim = unix.Rlimit{Cur: cur.Max, Max: cur.Max}
		}
		if err := unix.Prlimit(pid, r.resource, &lim, nil); err != nil {
			return fmt.Errorf("set limit %s=%d: %w", r.name, r.value, err)
		}
	}
	return nil
}

// restrictSelf sets what every SUT gets whatever its limits: no core dumps,
// which would land in the workspace, and no_new_privs, so that set-user-ID
// programs such as sudo gain nothing.
func restrictSelf() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return fmt.Errorf("set limit core=0: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	return nil
}

func runBuiltin(name string, builtins []Builtin, stdout, stderr io.Writer) int {
	var b *Builtin
	for i := range builtins {
		if builtins[i].Name == name {
			b = &builtins[i]
		}
	}
	if b == nil {
		fmt.Fprintf(stderr, "codegenie launcher: unknown builtin SUT %q\n", name)
		return 127
	}
	task, err := ReadTask()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := b.Run(ctx, task, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// FindBuiltin returns the builtin named name, or false.
func FindBuiltin(builtins []Builtin, name string) (Builtin, bool) {
	for _, b := range builtins {
		if b.Name == name {
			return b, true
		}
	}
	return Builtin{}, false
}
