// Package cli is the codegenie command tree: it turns arguments into options,
// runs the runner, the gate and the audit chain, prints results and maps
// outcomes to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/codegenie/codegenie/internal/distroless"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/stubsut"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/internal/vuln"
)

// Streams are the command's standard streams.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// ErrIsTerminal reports whether Err is a terminal, which turns on the
	// progress bar.
	ErrIsTerminal bool
}

// Builtins returns every SUT compiled into codegenie.
func Builtins() []sut.Builtin {
	var b []sut.Builtin
	b = append(b, stubsut.Builtins()...)
	b = append(b, vuln.Builtins()...)
	b = append(b, distroless.Builtins()...)
	return b
}

// Registry returns the rubric registry with every check kind codegenie
// provides.
func Registry() *rubric.Registry {
	reg := rubric.NewRegistry()
	vuln.Register(reg)
	distroless.Register(reg)
	return reg
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// app carries what every command needs.
type app struct {
	streams Streams
	logger  *slog.Logger
	// launcher re-executes codegenie as the SUT launcher.
	launcher []string
}

// Main runs the codegenie command with args (without the program name) and
// returns the exit code.
func Main(ctx context.Context, args []string, streams Streams) int {
	a := &app{streams: streams}
	level := new(slog.LevelVar)
	a.logger = slog.New(slog.NewTextHandler(streams.Err, &slog.HandlerOptions{Level: level}))
	if exe, err := os.Executable(); err == nil {
		a.launcher = []string{exe, sut.LaunchCommand}
	}

	root := a.rootCommand(level)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(streams.Err, "codegenie: %v\n", ee.err)
		}
		return ee.code
	}
	// Errors cobra returns itself are flag and argument errors.
	fmt.Fprintf(streams.Err, "codegenie: %v\nRun 'codegenie --help' for usage.\n", err)
	return ExitUsage
}

func (a *app) rootCommand(level *slog.LevelVar) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "codegenie",
		Short: "Evaluate AI coding agents with sealed, verifiable results",
		Long: `codegenie runs a program under test (the SUT) over the cases of a task class,
scores each case with a rubric the SUT cannot reach, reports the mean score with
a one-sided 95% lower confidence bound, gates promotion on that bound, and seals
every run into a BLAKE3 hash chain under .codegenie/eval/runs/.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			if verbose {
				level.Set(slog.LevelDebug)
			}
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log per-case detail to stderr")
	eval := &cobra.Command{
		Use:   "eval",
		Short: "Run, gate, inspect and verify evaluation runs",
	}
	eval.AddCommand(a.runCommand(), a.gateCommand(), a.showCommand(), a.verifyCommand(), a.logCommand())
	benchCmd := &cobra.Command{
		Use:   "bench",
		Short: "Create and inspect benches",
	}
	benchCmd.AddCommand(a.importCommand())
	root.AddCommand(eval, benchCmd)
	return root
}
