package sut

import (
	"fmt"
	"os/exec"
	"strings"
)

// Isolation is an isolation class: how a SUT is confined. Name is what the
// report's isolation_class records.
type Isolation interface {
	Name() string
	// Command builds the command that runs req.Argv under this class. Run
	// sets its directory, environment, output and process group.
	Command(req Request) (*exec.Cmd, error)
}

// Subprocess is the default isolation class: the SUT runs as a child process
// of the harness, in its own session and process group, in a scratch copy of
// the workspace, with a filtered environment, resource limits and capped
// output. It does not stop the SUT from reading or writing files its user
// may reach, from using the network or from signalling other processes of
// its user. The bwrap class does, and docs/isolation.md has the list.
//
// Where the harness can create cgroup v2 directories and trace its
// children (as root on most Linux machines), each SUT starts directly in a
// cgroup of its own, stopped by ptrace until its limits are set. Every
// process it starts stays in that cgroup, including daemons that called
// setsid, and is killed when the SUT ends. This costs no extra process.
//
// Elsewhere, and always with Supervise, the SUT runs below the launcher in
// supervisor mode, a child subreaper that kills every process left below it
// when the SUT ends. Its child, the launcher in plain mode, applies the
// limits before the SUT's program runs. That costs two starts of the
// codegenie binary per attempt.
//
// Without a launcher, the program is started directly and Run sets its
// limits with prlimit(2) right after the start.
//
// NOTE: without a launcher or cgroup, a process the program forks in the
// instant between its start and the prlimit call keeps the harness's
// limits, and so do the program's own first instants.
type Subprocess struct {
	// Launcher is the command line that re-executes codegenie as the
	// launcher. When it is empty, builtin SUTs cannot run, and processes
	// that leave the SUT's process group outlive the attempt.
	Launcher []string
	// Supervise selects the supervisor even where cgroups are usable.
	Supervise bool
}

// Name returns "subprocess".
func (Subprocess) Name() string { return "subprocess" }

// fastCgroupBase returns the cgroup directory under which each start gets
// its own cgroup, or "" when the supervisor or a direct start is used.
func (s Subprocess) fastCgroupBase() string {
	if s.Supervise {
		return ""
	}
	return cgroupBase()
}

// Command returns, in order of preference: the program itself (or the
// plain launcher for a builtin SUT) for a start into a cgroup, the launcher
// in supervisor mode, or the program itself without a launcher.
func (s Subprocess) Command(req Request) (*exec.Cmd, error) {
	if len(s.Launcher) == 0 || (s.fastCgroupBase() != "" && !isBuiltin(req.Argv)) {
		if _, err := launchArgv(nil, req); err != nil {
			return nil, err
		}
		return exec.Command(req.Argv[0], req.Argv[1:]...), nil
	}
	launcher := append([]string(nil), s.Launcher...)
	if s.fastCgroupBase() == "" {
		launcher = append(launcher, superviseFlag)
	}
	argv, err := launchArgv(launcher, req)
	if err != nil {
		return nil, err
	}
	return exec.Command(argv[0], argv[1:]...), nil
}

// limitsAfterStart reports whether Run must apply req.Limits to the started
// process itself, because no launcher does.
func (s Subprocess) limitsAfterStart(req Request) bool {
	return len(s.Launcher) == 0 && s.fastCgroupBase() == ""
}

// supervisorDepth is 1 when the launcher supervises the SUT, and 0 when the
// leader is the SUT.
func (s Subprocess) supervisorDepth() int {
	if len(s.Launcher) > 0 && s.fastCgroupBase() == "" {
		return 1
	}
	return 0
}

func isBuiltin(argv []string) bool { return strings.HasPrefix(argv[0], BuiltinPrefix) }

// launchArgv returns the command line that runs req.Argv through the
// launcher with req.Limits.
func launchArgv(launcher []string, req Request) ([]string, error) {
	if len(launcher) == 0 {
		if isBuiltin(req.Argv) {
			return nil, fmt.Errorf("builtin SUT %q needs the codegenie launcher, which is not configured", req.Argv[0])
		}
		return req.Argv, nil
	}
	argv := append([]string(nil), launcher...)
	argv = append(argv, req.Limits.args()...)
	argv = append(argv, "--")
	return append(argv, req.Argv...), nil
}
