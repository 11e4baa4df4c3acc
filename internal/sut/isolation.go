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
// of the harness, in its own process group, in a scratch copy of the
// workspace, with a filtered environment, resource limits and capped output.
// It does not stop the SUT from reading or writing files its user may reach;
// the bwrap class does.
//
// A builtin SUT runs through the launcher, which applies the limits before
// the SUT's code runs. Any other program is started directly, and Run sets
// its limits with prlimit(2) right after the start, which saves the
// launcher's start-up time on every attempt.
//
// NOTE: a process the program forks in the instant between its start and
// the prlimit call keeps the harness's limits.
type Subprocess struct {
	// Launcher is the command line that re-executes codegenie as the
	// launcher, which runs builtin SUTs. When it is empty, builtin SUTs
	// cannot run.
	Launcher []string
}

// Name returns "subprocess".
func (Subprocess) Name() string { return "subprocess" }

// Command returns the launcher command for a builtin SUT and the program
// itself otherwise.
func (s Subprocess) Command(req Request) (*exec.Cmd, error) {
	argv := req.Argv
	if isBuiltin(req.Argv) {
		var err error
		if argv, err = launchArgv(s.Launcher, req); err != nil {
			return nil, err
		}
	}
	return exec.Command(argv[0], argv[1:]...), nil
}

// limitsAfterStart reports whether Run must apply req.Limits to the started
// process itself, because no launcher does.
func (s Subprocess) limitsAfterStart(req Request) bool { return !isBuiltin(req.Argv) }

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
