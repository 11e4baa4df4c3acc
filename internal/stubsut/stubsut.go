// Package stubsut is the deterministic SUT of the stub task class, which the
// tests and the golden snapshots run. It follows the "action" in each case's
// metadata, so the stub bench gets a fixed mix of passes and failures
// without any randomness.
package stubsut

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/codegenie/codegenie/internal/sut"
)

// Builtins returns the stub SUT.
func Builtins() []sut.Builtin {
	return []sut.Builtin{{Name: "stub", Version: "1", Run: run}}
}

// The actions a stub case may ask for.
const (
	actionAnswer      = "answer"        // write the expected answer
	actionWrong       = "wrong"         // write a wrong answer
	actionNothing     = "nothing"       // change nothing
	actionAnswerExit1 = "answer-exit-1" // write the answer, then exit with status 1
	actionDeleteTest  = "delete-test"   // write the answer and delete the protected test file
)

func run(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
	action, _ := task.Metadata["action"].(string)
	answer, _ := task.Metadata["answer"].(string)
	fmt.Fprintf(stdout, "stub: case %s epoch %d action %s\n", task.CaseID, task.Epoch, action)

	switch action {
	case actionAnswer, actionAnswerExit1, actionDeleteTest:
		if err := os.WriteFile("answer.txt", []byte(answer+"\n"), 0o644); err != nil {
			return err
		}
	case actionWrong:
		if err := os.WriteFile("answer.txt", []byte("not "+answer+"\n"), 0o644); err != nil {
			return err
		}
	case actionNothing:
	default:
		return fmt.Errorf("unknown action %q in the case metadata", action)
	}
	if action == actionDeleteTest {
		if err := os.Remove("answer_test.txt"); err != nil {
			return err
		}
	}
	if action == actionAnswerExit1 {
		fmt.Fprintln(stderr, "stub: exiting with status 1 as the case asks")
		os.Exit(1)
	}
	return nil
}
