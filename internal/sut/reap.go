package sut

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// superviseFlag makes the launcher a supervisor: "__launch --supervise
// [limits] -- ARGV...". The supervisor becomes a child subreaper, starts
// "__launch [limits] -- ARGV..." as its only child in a process group of its
// own, and when that child ends it kills every process left below itself
// before it exits with the child's status. A daemon that calls setsid leaves
// the SUT's process group but stays below the supervisor, because orphans
// are reparented to the nearest subreaper.
const superviseFlag = "--supervise"

// supervised is implemented by isolation classes whose leader process
// supervises the SUT instead of being the SUT.
type supervised interface {
	// supervisorDepth returns how many levels of the process tree, counted
	// from the leader down, belong to the isolation class's own processes.
	// Those receive no SIGTERM, only the final SIGKILL.
	supervisorDepth() int
}

func supervisorDepth(iso Isolation) int {
	if s, ok := iso.(supervised); ok {
		return s.supervisorDepth()
	}
	return 0
}

// procEntry is one line of the process table, read from /proc/PID/stat.
type procEntry struct {
	pid, ppid, pgid int
	start           uint64 // clock ticks after boot; with pid it names a process uniquely
	zombie          bool
}

// readProc reads /proc/PID/stat. It fails when the process is gone.
func readProc(pid int) (procEntry, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procEntry{}, err
	}
	return parseStat(pid, data)
}

// parseStat parses the stat line of proc(5). The command name in brackets
// may contain spaces and brackets, so the fields are counted after the last
// ')'.
func parseStat(pid int, data []byte) (procEntry, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procEntry{}, fmt.Errorf("parse /proc/%d/stat: no closing bracket", pid)
	}
	// Fields after the name: state(3) ppid(4) pgrp(5) ... starttime(22).
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 {
		return procEntry{}, fmt.Errorf("parse /proc/%d/stat: %d fields after the name, want at least 20", pid, len(f))
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	start, err3 := strconv.ParseUint(f[19], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procEntry{}, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return procEntry{pid: pid, ppid: ppid, pgid: pgid, start: start, zombie: f[0] == "Z"}, nil
}

// listProcs reads the whole process table. Processes that end while it
// reads are left out.
func listProcs() ([]procEntry, error) {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	procs := make([]procEntry, 0, len(names))
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if p, err := readProc(pid); err == nil {
			procs = append(procs, p)
		}
	}
	return procs, nil
}

// descendantsOf returns the processes below root in procs with their depth:
// 1 for children, 2 for grandchildren and so on.
func descendantsOf(root int, procs []procEntry) map[procEntry]int {
	children := map[int][]procEntry{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p)
	}
	out := map[procEntry]int{}
	var walk func(pid, depth int)
	walk = func(pid, depth int) {
		for _, c := range children[pid] {
			if _, seen := out[c]; seen || c.pid == root {
				continue
			}
			out[c] = depth
			walk(c.pid, depth+1)
		}
	}
	walk(root, 1)
	return out
}

// signalProc sends sig to p unless p's pid now names another process. The
// pidfd pins the process between the check and the signal, so a reused pid
// is never signalled.
func signalProc(p procEntry, sig syscall.Signal) {
	fd, err := unix.PidfdOpen(p.pid, 0)
	if err != nil {
		if errors.Is(err, unix.ENOSYS) {
			// Kernels before 5.3 have no pidfd: fall back to kill(2) after
			// the check, which leaves a short window for pid reuse.
			if cur, err := readProc(p.pid); err == nil && cur.start == p.start {
				unix.Kill(p.pid, sig)
			}
		}
		return
	}
	defer unix.Close(fd)
	if cur, err := readProc(p.pid); err != nil || cur.start != p.start {
		return
	}
	unix.PidfdSendSignal(fd, sig, nil, 0)
}

// processTree is the tree of processes below the leader process that Run
// started. A walk of /proc from the leader finds every process of the SUT as
// long as the leader lives, because a supervising leader is the reaper of
// every orphan below it. The launcher in supervisor mode is one, and so is
// bubblewrap with its PID namespace.
type processTree struct {
	leader procEntry
	// spare is how many levels, from the leader down, receive no SIGTERM.
	spare int
}

func newProcessTree(pid, spare int) *processTree {
	t := &processTree{leader: procEntry{pid: pid, pgid: pid}, spare: spare}
	if p, err := readProc(pid); err == nil {
		t.leader = p
	}
	return t
}

// leaderAlive reports whether the leader has not been reaped. A zombie
// leader counts as alive: its pid cannot be reused until it is reaped.
func (t *processTree) leaderAlive() bool {
	p, err := readProc(t.leader.pid)
	return err == nil && p.start == t.leader.start
}

// descendants returns the live processes below the leader with their depth,
// or nothing once the leader is gone, because its pid may then name another
// process.
func (t *processTree) descendants() map[procEntry]int {
	if !t.leaderAlive() {
		return nil
	}
	procs, err := listProcs()
	if err != nil {
		return nil
	}
	return descendantsOf(t.leader.pid, procs)
}

// terminate sends SIGTERM to the SUT: every process below the supervisor
// levels, and the leader's process group when the leader is the SUT itself.
func (t *processTree) terminate() {
	if t.spare == 0 {
		syscall.Kill(-t.leader.pgid, syscall.SIGTERM)
		signalProc(t.leader, syscall.SIGTERM)
	}
	for p, depth := range t.descendants() {
		if depth >= t.spare && !p.zombie {
			signalProc(p, syscall.SIGTERM)
		}
	}
}

// kill sends SIGKILL to every process below the leader until none is left,
// then to the leader and its process group. A supervising leader is first
// given up to 500 ms to exit by itself once its tree is gone, so that it
// reports the status of its child.
func (t *processTree) kill() {
	for range 100 {
		live := 0
		for p := range t.descendants() {
			if !p.zombie {
				signalProc(p, syscall.SIGKILL)
				live++
			}
		}
		if live == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if t.spare > 0 {
		deadline := time.Now().Add(500 * time.Millisecond)
		for t.leaderAlive() && time.Now().Before(deadline) {
			if p, err := readProc(t.leader.pid); err == nil && p.zombie {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	signalProc(t.leader, syscall.SIGKILL)
	syscall.Kill(-t.leader.pgid, syscall.SIGKILL)
}

// supervise runs the launcher in supervisor mode (see superviseFlag) with
// args "[limits] -- ARGV..." and returns its exit code. When the SUT was
// killed by a signal, supervise ends its own process with the same signal
// and does not return.
func supervise(args []string, stderr io.Writer) int {
	sep := slices.Index(args, "--")
	if sep < 0 || sep == len(args)-1 {
		fmt.Fprintln(stderr, "codegenie launcher: usage: __launch --supervise [limits] -- ARGV...")
		return 126
	}
	// The supervisor takes none of the SUT's limits: under RLIMIT_NPROC a
	// fork bomb would stop the Go runtime from creating threads.
	if _, err := parseLimits(args[:sep]); err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: %v\n", err)
		return 126
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: become child subreaper: %v\n", err)
		return 126
	}
	// Each of these signals means "stop now": the harness died (SIGTERM is
	// the parent-death signal set below) or someone wants the attempt gone.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0); err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: set parent-death signal: %v\n", err)
		return 126
	}

	// The child is the launcher in its plain mode, which applies the limits
	// to itself before it runs the SUT. Setting them with prlimit(2) after a
	// direct start would leave the program's first instants unlimited.
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: find own executable: %v\n", err)
		return 126
	}
	child, err := os.StartProcess(self, append([]string{self, LaunchCommand}, args...), &os.ProcAttr{
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		fmt.Fprintf(stderr, "codegenie launcher: start %q: %v\n", self, err)
		return 126
	}
	// Only the SUT may hold the task on stdin, so that its end of the pipe
	// closes when the SUT is gone.
	os.Stdin.Close()

	go func() {
		<-stop
		killBelow(os.Getpid())
	}()

	status := reapAll(child.Pid)
	switch {
	case status.Signaled():
		dieFromSignal(status.Signal())
		return 128 + int(status.Signal())
	case status.Exited():
		return status.ExitStatus()
	}
	return 126
}

// reapAll waits for every child of the supervisor, including orphans that
// are reparented to it, and returns the status of the child with pid
// childPID. Once that child has ended, everything left below the supervisor
// is killed.
func reapAll(childPID int) unix.WaitStatus {
	var childStatus unix.WaitStatus
	childDone := false
	for {
		if childDone {
			killBelow(os.Getpid())
		}
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			// ECHILD: no child is left.
			return childStatus
		}
		if pid == childPID {
			childStatus, childDone = ws, true
		}
	}
}

// killBelow sends SIGKILL to every process below pid.
func killBelow(pid int) {
	procs, err := listProcs()
	if err != nil {
		return
	}
	for p := range descendantsOf(pid, procs) {
		if !p.zombie {
			signalProc(p, syscall.SIGKILL)
		}
	}
}

// dieFromSignal ends the process with sig and its default action, so that
// the harness observes the signal that ended the SUT. The Go runtime handles
// every signal itself, so a raw rt_sigaction call restores the default
// action. RLIMIT_CORE 0 keeps a core dump out of the workspace.
func dieFromSignal(sig syscall.Signal) {
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	var dfl [4]uint64 // a zero sigaction is SIG_DFL with no flags and an empty mask
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	unix.Kill(os.Getpid(), sig)
	// A signal whose default action is to ignore it, or a blocked one, lands
	// here; the caller then exits with 128+sig as a shell would.
	time.Sleep(100 * time.Millisecond)
}

// alive reports whether a process of the leader's process group is left.
func (t *processTree) alive() bool { return groupAlive(t.leader.pgid) }
