package audit

import (
	"errors"
	"fmt"
)

// ErrInvalidPayload is wrapped by the errors that Seal returns for a payload it
// rejects before touching the state directory. The payload breaks the strict
// JSON rules (then a *JSONError is wrapped as well), contains a chain member,
// or lacks a member that the audit record needs.
var ErrInvalidPayload = errors.New("invalid payload")

// JSONError is a violation of the strict JSON rules that every record follows.
type JSONError struct {
	// Offset is the byte offset in the input where the violation was found.
	Offset int64
	// Reason describes the violation, for example `duplicate key "score"`.
	Reason string
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("invalid record JSON at byte offset %d: %s", e.Offset, e.Reason)
}

// ChainError is returned by Seal when the newest record does not verify, so
// that a new record would be built on a broken chain. Nothing is written then.
type ChainError struct {
	// Path is the newest record file, the one the new record would link to.
	Path string
	// Problems lists what is wrong with it, as Verify reports them.
	Problems []Problem
}

func (e *ChainError) Error() string {
	detail := "no detail"
	if len(e.Problems) > 0 {
		detail = e.Problems[0].String()
		if more := len(e.Problems) - 1; more > 0 {
			detail += fmt.Sprintf(" (and %d more)", more)
		}
	}
	return fmt.Sprintf("seal record: newest record %s does not verify, so no record was sealed: %s (run verify to list every problem, then restore the damaged records from a copy and seal again)", e.Path, detail)
}
