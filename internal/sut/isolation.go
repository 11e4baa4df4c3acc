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
type Subprocess struct {
	// Launcher is the command line that re-executes codegenie as the
	// launcher, which applies resource limits and runs builtin SUTs. When it
	// is empty, limits are not applied and builtin SUTs cannot run.
	Launcher []string
}

// Name returns "subprocess".
func (Subprocess) Name() string { return "subprocess" }

// Command returns the launcher command for req, or req.Argv itself when no
// launcher is configured.
func (s Subprocess) Command(req Request) (*exec.Cmd, error) {
	argv, err := launchArgv(s.Launcher, req)
	if err != nil {
		return nil, err
	}
	return exec.Command(argv[0], argv[1:]...), nil
}

// launchArgv returns the command line that runs req.Argv through the
// launcher with req.Limits.
func launchArgv(launcher []string, req Request) ([]string, error) {
	if len(launcher) == 0 {
		if strings.HasPrefix(req.Argv[0], BuiltinPrefix) {
			return nil, fmt.Errorf("builtin SUT %q needs the codegenie launcher, which is not configured", req.Argv[0])
		}
		return req.Argv, nil
	}
	argv := append([]string(nil), launcher...)
	argv = append(argv, req.Limits.args()...)
	argv = append(argv, "--")
	return append(argv, req.Argv...), nil
}
