package sut

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// attemptCgroup is a cgroup v2 directory made for one SUT start. The
// kernel places the SUT in it at clone time (CLONE_INTO_CGROUP), and every
// process the SUT starts stays in it, whatever it does with sessions and
// process groups. So the cgroup lists exactly the SUT's processes, and
// cgroup.kill ends all of them at once.
type attemptCgroup struct {
	dir string
	fd  int // an O_PATH descriptor of dir, for clone3
}

var (
	cgroupSeq atomic.Int64
	// cgroupBase is the cgroup v2 directory of this process, where attempt
	// cgroups are made; "" when none is usable.
	cgroupBase = sync.OnceValue(findCgroupBase)
)

// findCgroupBase returns this process's own cgroup v2 directory if a child
// cgroup can be made in it and a traced start works there, else "".
func findCgroupBase() string {
	mount := cgroup2Mount()
	if mount == "" {
		return ""
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	var rel string
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
	}
	if rel == "" {
		return ""
	}
	base := filepath.Join(mount, rel)
	if err := probeFastStart(base); err != nil {
		return ""
	}
	return base
}

// cgroup2Mount returns the mount point of the cgroup v2 hierarchy from
// /proc/self/mountinfo, or "".
func cgroup2Mount() string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// Fields: id parent major:minor root mountpoint options ... - fstype source superoptions
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fields, postFields := strings.Fields(pre), strings.Fields(post)
		if len(fields) >= 5 && len(postFields) >= 1 && postFields[0] == "cgroup2" {
			return fields[4]
		}
	}
	return ""
}

// probeFastStart starts /bin/true the way fastStart does, to learn once
// whether the kernel and the harness's privileges allow it.
func probeFastStart(base string) error {
	cg, err := newAttemptCgroup(base)
	if err != nil {
		return err
	}
	defer cg.remove()
	cmd := exec.Command("/bin/true")
	if err := fastStart(cmd, cg, Limits{}); err != nil {
		return err
	}
	return cmd.Wait()
}

func newAttemptCgroup(base string) (*attemptCgroup, error) {
	dir := filepath.Join(base, fmt.Sprintf("codegenie-%d-%d", os.Getpid(), cgroupSeq.Add(1)))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cgroup: %w", err)
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("open cgroup: %w", err)
	}
	return &attemptCgroup{dir: dir, fd: fd}, nil
}

// fastStart starts cmd inside cg, stopped at its first instruction by
// ptrace, applies the limits with prlimit(2) and lets it run. The SUT's
// program thus never runs without its limits, and no launcher process is
// needed. cmd.SysProcAttr may be set; fastStart adds its fields.
func fastStart(cmd *exec.Cmd, cg *attemptCgroup, limits Limits) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.UseCgroupFD = true
	cmd.SysProcAttr.CgroupFD = cg.fd
	cmd.SysProcAttr.Ptrace = true

	// The thread that starts a traced child is its tracer: the wait and
	// the detach must come from it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, unix.WALL, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			cmd.Process.Kill()
			return fmt.Errorf("wait for the traced start: %w", err)
		}
		break
	}
	if !ws.Stopped() {
		return fmt.Errorf("traced start: the process did not stop at exec (status %v)", ws)
	}
	err := limits.applyTo(pid)
	if err == nil {
		// No core dump may land in the workspace, as under the launcher.
		err = unix.Prlimit(pid, unix.RLIMIT_CORE, &unix.Rlimit{}, nil)
	}
	if derr := unix.PtraceDetach(pid); derr != nil && err == nil {
		err = fmt.Errorf("detach from the started process: %w", derr)
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	return nil
}

// procs returns the pids in the cgroup.
func (c *attemptCgroup) procs() []int {
	data, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range bytes.Fields(data) {
		if pid, err := strconv.Atoi(string(f)); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

func (c *attemptCgroup) terminate() {
	for _, pid := range c.procs() {
		unix.Kill(pid, unix.SIGTERM)
	}
}

// kill ends every process in the cgroup: with cgroup.kill where the kernel
// has it (Linux 5.14), else by SIGKILL to each member until none is left.
func (c *attemptCgroup) kill() {
	if os.WriteFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"), 0) == nil {
		return
	}
	for range 100 {
		pids := c.procs()
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			unix.Kill(pid, unix.SIGKILL)
		}
		time.Sleep(time.Millisecond)
	}
}

func (c *attemptCgroup) alive() bool { return len(c.procs()) > 0 }

// killWhenLeaderExits waits, without reaping it, until the process pid has
// exited, then kills what is left in the cgroup. Daemons that keep the
// output pipes open then cannot delay the end of the attempt.
func (c *attemptCgroup) killWhenLeaderExits(pid int) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	c.kill()
}

// remove kills what is left, waits until the cgroup is empty and removes
// it. A cgroup with members cannot be removed, so this also proves that no
// process of the attempt is left.
func (c *attemptCgroup) remove() error {
	unix.Close(c.fd)
	c.kill()
	var err error
	for range 2000 {
		if err = os.Remove(c.dir); err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		time.Sleep(500 * time.Microsecond)
	}
	return fmt.Errorf("remove cgroup %s: %w", c.dir, err)
}
