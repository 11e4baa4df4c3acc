package cli

// Exit codes of the codegenie command. The README carries the same table.
const (
	ExitOK           = 0 // success; gate pass; verify clean
	ExitCheckFailed  = 1 // gate fail; verify found problems
	ExitUsage        = 2 // usage or input error; nothing was written
	ExitIncomplete   = 3 // the run could not complete; its record is sealed with complete false
	ExitInsufficient = 4 // gate insufficient: not enough evidence to decide
)

// exitError carries an exit code through cobra's error return. A nil err
// with a non-zero code means the command already printed what it had to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf returns an input error (exit code 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: errorf(format, args...)}
}

// withCode attaches an exit code to err.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// silentExit ends the command with code and prints nothing more.
func silentExit(code int) error { return &exitError{code: code} }
