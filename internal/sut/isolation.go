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
// With a launcher, the SUT runs below the launcher in supervisor mode, a
// child subreaper that kills every process left below it when the SUT ends,
// including daemons that called setsid. Its child, the launcher in plain
// mode, applies the limits before the SUT's program runs.
//
// Without a launcher, the program is started directly and Run sets its
// limits with prlimit(2) right after the start.
//
// NOTE: without a launcher, a process the program forks in the instant
// between its start and the prlimit call keeps the harness's limits, and so
// do the program's own first instants.
type Subprocess struct {
	// Launcher is the command line that re-executes codegenie as the
	// launcher. When it is empty, builtin SUTs cannot run, and processes
	// that leave the SUT's process group outlive the attempt.
	Launcher []string
}

// Name returns "subprocess".
func (Subprocess) Name() string { return "subprocess" }

// Command returns the launcher command in supervisor mode when a launcher is
// configured, and the program itself otherwise.
func (s Subprocess) Command(req Request) (*exec.Cmd, error) {
	if len(s.Launcher) == 0 {
		if _, err := launchArgv(nil, req); err != nil {
			return nil, err
		}
		return exec.Command(req.Argv[0], req.Argv[1:]...), nil
	}
	launcher := append(append([]string(nil), s.Launcher...), superviseFlag)
	argv, err := launchArgv(launcher, req)
	if err != nil {
		return nil, err
	}
	return exec.Command(argv[0], argv[1:]...), nil
}

// limitsAfterStart reports whether Run must apply req.Limits to the started
// process itself, because no launcher does.
func (s Subprocess) limitsAfterStart(req Request) bool { return len(s.Launcher) == 0 }

// supervisorDepth is 1 with a launcher, which supervises the SUT, and 0
// without one, when the leader is the SUT.
func (s Subprocess) supervisorDepth() int {
	if len(s.Launcher) > 0 {
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
