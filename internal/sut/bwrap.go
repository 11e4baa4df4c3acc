package sut

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Bwrap is the bwrap isolation class. The SUT runs inside bubblewrap with a
// read-only root file system in which only the workspace and the attempt's
// HOME and TMPDIR are writable, and /tmp, /var/tmp and /run are private. It
// gets new user, PID, network, IPC, UTS and cgroup namespaces (so no network
// but loopback), no capabilities and a new session, and it dies with the
// harness. Empty read-only file systems cover the hidden paths: the state
// directory, the bench, key material.
//
// Inside, the launcher applies the limits and runs the SUT; the PID
// namespace takes the supervisor's place, because the kernel kills every
// process in it when the sandbox's first process ends.
type Bwrap struct {
	binary   string
	launcher []string
	hidden   []string // absolute, symbolic links resolved, sorted
	readOnly []string

	// status maps each command Command built to the read end of its
	// --json-status-fd pipe, until setupError reads it.
	status sync.Map
}

// BwrapOptions configure NewBwrap.
type BwrapOptions struct {
	// Binary is the bwrap program. Empty means "bwrap" found in PATH.
	Binary string
	// Launcher is the command line that re-executes codegenie as the
	// launcher inside the sandbox, as for Subprocess. Its program is bound
	// read-only at the same path, so it may live under a hidden path or /tmp.
	// When it is empty, builtin SUTs cannot run and no limits are applied.
	Launcher []string
	// Hidden are paths the SUT must not see: the state directory, the bench
	// root and the task class directory, the user's home with its keys.
	// Paths that do not exist are skipped, because a read-only root keeps
	// the SUT from creating them.
	Hidden []string
	// ReadOnly are extra paths bound read-only at the same place, for
	// example a SUT's data under a hidden path.
	ReadOnly []string
}

// Errors of NewBwrap and Probe.
var (
	// ErrBwrapNotFound means the bwrap program is not installed.
	ErrBwrapNotFound = errors.New("bwrap not found: install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)")
	// ErrNamespacesUnavailable means bwrap is installed but could not build
	// the sandbox, usually because the kernel or a container runtime does
	// not allow the namespaces it needs.
	ErrNamespacesUnavailable = errors.New("bwrap could not create its namespaces")
)

// NewBwrap returns the bwrap isolation class. It fails with an error
// wrapping ErrBwrapNotFound when the program is missing, and when a hidden
// path is the root directory. It does not start bwrap: call Probe for that.
func NewBwrap(opts BwrapOptions) (*Bwrap, error) {
	name := opts.Binary
	if name == "" {
		name = "bwrap"
	}
	binary, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBwrapNotFound, err)
	}
	b := &Bwrap{binary: binary, launcher: opts.Launcher}

	for _, p := range opts.Hidden {
		real, err := resolvePath(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("hidden path %q: %w", p, err)
		}
		if real == "/" {
			return nil, fmt.Errorf("hidden path %q is the root directory, which would hide everything", p)
		}
		b.hidden = append(b.hidden, real)
	}
	slices.Sort(b.hidden)
	b.hidden = slices.Compact(b.hidden)

	for _, p := range opts.ReadOnly {
		real, err := resolvePath(p)
		if err != nil {
			return nil, fmt.Errorf("read-only path %q: %w", p, err)
		}
		b.readOnly = append(b.readOnly, real)
	}
	return b, nil
}

// Name returns "bwrap".
func (*Bwrap) Name() string { return "bwrap" }

// supervisorDepth is 2: the bwrap process Run starts, and bwrap's own init
// process in the new PID namespace. A SIGTERM to the first would end the
// sandbox at once, without the grace period.
func (*Bwrap) supervisorDepth() int { return 2 }

// Probe starts an empty sandbox with the arguments every SUT gets and
// returns an error wrapping ErrBwrapNotFound or ErrNamespacesUnavailable,
// with bwrap's message, when that fails. Run it before the first case.
func (b *Bwrap) Probe(ctx context.Context) error {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return fmt.Errorf("probe bwrap: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// The launcher is bound as for every SUT, so that a launcher the
	// sandbox cannot reach fails here, before the first case.
	args := b.sandboxArgs()
	if len(b.launcher) > 0 {
		p, err := resolvePath(b.launcher[0])
		if err != nil {
			return fmt.Errorf("probe bwrap: launcher: %w", err)
		}
		args = append(args, "--ro-bind", p, p)
	}
	args = append(args, b.remountArgs()...)
	args = append(args, "--", truePath)
	cmd := exec.CommandContext(ctx, b.binary, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w (%v)", ErrBwrapNotFound, err)
	}
	if err == nil {
		return nil
	}
	msg := strings.TrimSpace(stderr.String())
	if msg == "" {
		msg = err.Error()
	}
	if !namespaceFailure(msg) {
		return fmt.Errorf("probe bwrap: %s: %s", b.binary, msg)
	}
	return fmt.Errorf("%w: %s: %s; allow unprivileged user namespaces (sysctl user.max_user_namespaces above 0; on Debian kernel.unprivileged_userns_clone=1; on Ubuntu 23.10 and later kernel.apparmor_restrict_unprivileged_userns=0), or in a container allow unshare(2) and mount(2) (for Docker, a seccomp profile that permits them)",
		ErrNamespacesUnavailable, b.binary, msg)
}

// namespaceFailure reports whether bwrap's message says that the kernel
// denied a namespace, a mount or the loopback setup, as opposed to a fault
// in the arguments.
func namespaceFailure(msg string) bool {
	for _, s := range []string{"namespace", "Operation not permitted", "Permission denied", "No permissions", "uid map", "loopback"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Command returns the bwrap command that runs req.Argv through the launcher
// inside the sandbox. It binds req.Dir and the directories named by HOME and
// TMPDIR in req.Env writable and the file named by CODEGENIE_TASK read-only,
// each at its own path. It fails when one of them is missing or holds a
// hidden path, because binding it would show what must stay hidden.
func (b *Bwrap) Command(req Request) (*exec.Cmd, error) {
	argv, err := launchArgv(b.launcher, req)
	if err != nil {
		return nil, err
	}
	dir, err := resolvePath(req.Dir)
	if err != nil {
		return nil, fmt.Errorf("bwrap: workspace: %w", err)
	}

	var binds []bind
	binds = append(binds, bind{path: dir, writable: true})
	for _, key := range []string{"HOME", "TMPDIR"} {
		if v := envValue(req.Env, key); v != "" {
			p, err := resolvePath(v)
			if err != nil {
				return nil, fmt.Errorf("bwrap: %s: %w", key, err)
			}
			binds = append(binds, bind{path: p, writable: true})
		}
	}
	// Read-only files the sandbox needs: the task, the launcher program, and
	// the SUT's program when its path is absolute (it may sit in /tmp or
	// under a hidden path).
	var files []string
	if v := envValue(req.Env, "CODEGENIE_TASK"); v != "" {
		files = append(files, v)
	}
	if len(b.launcher) > 0 {
		files = append(files, b.launcher[0])
	}
	if filepath.IsAbs(req.Argv[0]) {
		files = append(files, req.Argv[0])
	}
	for _, f := range files {
		p, err := resolvePath(f)
		if err != nil {
			return nil, fmt.Errorf("bwrap: %w", err)
		}
		binds = append(binds, bind{path: p})
	}
	for _, p := range b.readOnly {
		binds = append(binds, bind{path: p})
	}
	for _, bd := range binds {
		if h := b.hiddenBelow(bd.path); h != "" {
			return nil, fmt.Errorf("bwrap: binding %q would show the hidden path %q", bd.path, h)
		}
	}

	args := b.sandboxArgs()
	// Shorter paths first, so that a bind inside another one lands on top.
	slices.SortStableFunc(binds, func(x, y bind) int { return len(x.path) - len(y.path) })
	for _, bd := range binds {
		flag := "--ro-bind"
		if bd.writable {
			flag = "--bind"
		}
		args = append(args, flag, bd.path, bd.path)
	}
	args = append(args, b.remountArgs()...)
	// bwrap reports {"exit-code": N} on this pipe only when the sandbox was
	// set up and its program ran, so a failed setup can be told apart from
	// a SUT that failed.
	args = append(args, "--json-status-fd", "3")
	args = append(args, "--chdir", dir, "--")
	args = append(args, argv...)
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("bwrap: status pipe: %w", err)
	}
	cmd := exec.Command(b.binary, args...)
	cmd.ExtraFiles = []*os.File{w}
	b.status.Store(cmd, r)
	return cmd, nil
}

// startDone closes the harness's copy of the status pipe's write end once
// bwrap has its own, and the whole pipe when the start failed.
func (b *Bwrap) startDone(cmd *exec.Cmd, startErr error) {
	for _, f := range cmd.ExtraFiles {
		f.Close()
	}
	if startErr != nil {
		if r, ok := b.status.LoadAndDelete(cmd); ok {
			r.(*os.File).Close()
		}
	}
}

// setupError returns an error when bwrap ended without reporting the exit
// code of its program: the sandbox could not be set up, which is a failure
// of the harness, not of the SUT. Call it after cmd has been waited for,
// and only when the harness did not kill it.
func (b *Bwrap) setupError(cmd *exec.Cmd) error {
	v, ok := b.status.LoadAndDelete(cmd)
	if !ok {
		return nil
	}
	r := v.(*os.File)
	defer r.Close()
	data, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	if bytes.Contains(data, []byte(`"exit-code"`)) {
		return nil
	}
	return errors.New("bwrap could not set up the sandbox")
}

// bind is one path bound into the sandbox at the same place.
type bind struct {
	path     string
	writable bool
}

// sandboxArgs returns the bwrap arguments every sandbox gets, before the
// per-request binds. The order matters: each mount covers what an earlier
// one put at its path.
func (b *Bwrap) sandboxArgs() []string {
	args := []string{
		"--ro-bind", "/", "/",
		"--dev", "/dev",
		"--proc", "/proc",
	}
	// Private, empty and writable: the scratch area of other attempts lives
	// in the temporary directory, and /run holds sockets such as Docker's,
	// which a read-only mount does not stop a process from connecting to.
	done := b.privateDirs()
	for _, p := range done {
		args = append(args, "--tmpfs", p)
	}
	for _, h := range b.hidden {
		// A path below a private or an earlier hidden directory is hidden
		// already, and bwrap could not create its mount point there.
		if under(h, done) {
			continue
		}
		st, err := os.Stat(h)
		if err != nil {
			continue
		}
		if st.IsDir() {
			// remountArgs makes it read-only after the binds, which may
			// need to create mount points in it.
			args = append(args, "--tmpfs", h)
			done = append(done, h)
		} else {
			args = append(args, "--ro-bind", "/dev/null", h)
		}
	}
	// --unshare-all includes the user namespace, in which a caller that is
	// root keeps every capability unless they are dropped: with them the SUT
	// could remount the root read-write or unmount what hides a path.
	return append(args,
		"--unshare-all",
		"--cap-drop", "ALL",
		"--die-with-parent",
		"--new-session",
	)
}

// remountArgs makes the empty file systems over hidden directories
// read-only. They come after the binds, because a file bound at its own
// path below a hidden directory (the codegenie binary in the user's home,
// say) needs its mount point created there first.
func (b *Bwrap) remountArgs() []string {
	var args []string
	for _, h := range b.hiddenDirMounts() {
		args = append(args, "--remount-ro", h)
	}
	return args
}

// hiddenDirMounts returns the hidden directories that sandboxArgs covers
// with an empty file system of their own: those not below a private
// directory or another hidden one.
func (b *Bwrap) hiddenDirMounts() []string {
	done := b.privateDirs()
	var mounts []string
	for _, h := range b.hidden {
		if under(h, done) {
			continue
		}
		if st, err := os.Stat(h); err == nil && st.IsDir() {
			mounts = append(mounts, h)
			done = append(done, h)
		}
	}
	return mounts
}

// privateDirs returns the directories that get a private, empty and
// writable file system: the scratch area of other attempts lives in the
// temporary directory, and /run holds sockets such as Docker's, which a
// read-only mount does not stop a process from connecting to.
func (b *Bwrap) privateDirs() []string {
	private := []string{"/tmp", "/var/tmp", "/run"}
	if tmp, err := resolvePath(os.TempDir()); err == nil && tmp != "/" {
		private = append(private, tmp)
	}
	var done []string
	for _, p := range private {
		if st, err := os.Stat(p); err != nil || !st.IsDir() || under(p, done) {
			continue
		}
		done = append(done, p)
	}
	return done
}

// hiddenBelow returns a hidden path that is p or lies below p, or "".
func (b *Bwrap) hiddenBelow(p string) string {
	for _, h := range b.hidden {
		if h == p || strings.HasPrefix(h, strings.TrimSuffix(p, "/")+"/") {
			return h
		}
	}
	return ""
}

// under reports whether p is one of dirs or lies below one of them.
func under(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
			return true
		}
	}
	return false
}

// resolvePath returns the absolute path of p with symbolic links resolved,
// as the mounts need it.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// envValue returns the value of key in env, a list of KEY=VALUE pairs; the
// last entry wins, as in exec.Cmd.
func envValue(env []string, key string) string {
	value := ""
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			value = v
		}
	}
	return value
}
