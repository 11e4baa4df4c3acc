package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/runner"
	"github.com/codegenie/codegenie/internal/stats"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// defaultTaskClass is the bundled task class that "codegenie eval run" runs
// when none is named.
const defaultTaskClass = "vuln-remediation"

type runOptions struct {
	taskClass  string
	benchRoot  string
	sutLine    string
	sutArgv    []string
	sutName    string
	sutVersion string
	jobs       int
	epochs     int
	timeout    time.Duration
	frozenTime string
	json       bool
	isolation  string
	stateDir   string
	seed       int64
	threshold  float64
	enforce    bool
}

func (a *app) runCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [TASK_CLASS] [flags] [-- SUT_ARGV...]",
		Short: "Run a task class against a SUT and seal the result",
		Long: `Run every case of a task class against a SUT, score each finished workspace
with the task class's rubric, compute mean_score and lower_bound_95, and seal
the report as the next record of the audit chain. The task class declares its
default SUT, so no other argument is needed. TASK_CLASS defaults to ` + defaultTaskClass + `.`,
		Example: `  codegenie eval run vuln-remediation
  codegenie eval run stub-task-class --bench tests/fixtures/bench --frozen-time 1970-01-01T00:00:00Z --json
  codegenie eval run distroless -j 4 -- ./my-agent --model v2`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash >= 0 {
				o.sutArgv = args[dash:]
				args = args[:dash]
			}
			if len(args) > 1 {
				return usageErrorf("expected at most one task class, got %q", args)
			}
			o.taskClass = defaultTaskClass
			if len(args) == 1 {
				o.taskClass = args[0]
			}
			o.enforce = cmd.Flags().Changed("threshold")
			if o.enforce {
				if err := validateThreshold(o.threshold); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("epochs") && o.epochs < 1 {
				return usageErrorf("invalid --epochs %d: use 1 or more", o.epochs)
			}
			if cmd.Flags().Changed("timeout") && o.timeout <= 0 {
				return usageErrorf("invalid --timeout %s: use a positive duration such as 90s", o.timeout)
			}
			return a.run(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.benchRoot, "bench", "benches", "bench root `DIR` that contains the task classes")
	f.StringVar(&o.sutLine, "sut", "", "SUT command line, split at spaces (no shell); or give the argv after --")
	f.StringVar(&o.sutName, "sut-name", "", "name of the SUT in the report (default: argv[0])")
	f.StringVar(&o.sutVersion, "sut-version", "", "version text of the SUT, recorded in the report and sut_digest")
	f.IntVarP(&o.jobs, "jobs", "j", 1, "number of attempts to run at once")
	f.IntVar(&o.epochs, "epochs", 0, "attempts per case (default: the task class's epochs)")
	f.DurationVar(&o.timeout, "timeout", 0, "per-attempt timeout, e.g. 90s (default: the task class's timeout)")
	f.StringVar(&o.frozenTime, "frozen-time", "", "RFC 3339 time to record as every timestamp, with every duration 0, for byte-identical reports")
	f.BoolVar(&o.json, "json", false, "print the sealed report as JSON on stdout")
	f.StringVar(&o.isolation, "isolation", "subprocess", "isolation class: subprocess or bwrap")
	f.StringVar(&o.stateDir, "state-dir", ".codegenie/eval", "state `DIR` holding runs/ and artifacts/")
	f.Int64Var(&o.seed, "seed", 0, "seed passed to the SUT in its task; enters run_id")
	f.Float64Var(&o.threshold, "threshold", -1, "gate the run on lower_bound_95 > T and exit by the decision (default: show the task class's gate without enforcing it)")
	return cmd
}

func (a *app) run(ctx context.Context, o runOptions) error {
	tc, err := loadTaskClass(o.benchRoot, o.taskClass)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if err := checkChainBeforeRun(o.stateDir); err != nil {
		return withCode(ExitUsage, err)
	}
	r, err := a.newRunner(tc, o)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	unsealed, err := r.Run(ctx)
	if err != nil {
		// The run did not start: nothing was written.
		return withCode(ExitUsage, err)
	}
	sealed, err := runner.Seal(ctx, r.StateDir, unsealed)
	if err != nil {
		return withCode(ExitIncomplete, fmt.Errorf("%w; no record was written, and the chain is as it was", err))
	}
	rep := sealed.Report

	threshold := o.threshold
	if !o.enforce {
		threshold = -1
		if tc.Gate.Threshold != nil {
			threshold = *tc.Gate.Threshold
		}
	}
	var decision *stats.Decision
	if threshold >= 0 {
		d := gateReport(rep, threshold, stats.DefaultPolicy())
		decision = &d
	}

	if o.json {
		a.streams.Out.Write(sealed.Bytes)
	} else {
		printSummary(a.streams.Out, rep, sealed.Path, decision)
	}

	switch {
	case !rep.Complete:
		fmt.Fprintln(a.streams.Err, "codegenie: the run was interrupted; its record is sealed with complete: false")
		return silentExit(ExitIncomplete)
	case o.enforce && decision != nil:
		return silentExit(gateExitCode(decision.Status))
	}
	return nil
}

// checkChainBeforeRun verifies the chain the run will extend, because a
// seal refuses to build on a broken chain and the run's work would be
// lost. Leftovers of an interrupted seal are no reason to stop: the next
// seal removes them.
func checkChainBeforeRun(stateDir string) error {
	runs := filepath.Join(stateDir, "runs")
	if _, err := os.Stat(runs); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	res, err := audit.Verify(runs, audit.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("check the chain in %s before the run: %w", runs, err)
	}
	if res.OK {
		return nil
	}
	var lines []string
	for _, p := range res.Problems {
		if p.Kind != audit.KindInterruptedSeal {
			lines = append(lines, fmt.Sprintf("  %s: %s: %s", p.Path, p.Kind, p.Message))
		}
	}
	return fmt.Errorf("the chain in %s does not verify, so a new record could not be sealed on it:\n%s\nrun 'codegenie eval verify --dir %s' for the expected and found values, restore the records from a copy, or use another --state-dir",
		runs, strings.Join(lines, "\n"), stateDir)
}

func loadTaskClass(root, name string) (*bench.TaskClass, error) {
	dir := name
	if st, err := os.Stat(filepath.Join(name, "task.yaml")); err != nil || st.IsDir() {
		dir, err = bench.Resolve(root, name)
		if err != nil {
			return nil, err
		}
	}
	return bench.Load(dir, Registry())
}

func (a *app) newRunner(tc *bench.TaskClass, o runOptions) (*runner.Runner, error) {
	if o.jobs < 1 {
		return nil, usageErrorf("invalid -j %d: use 1 or more", o.jobs)
	}
	if o.epochs < 0 {
		return nil, usageErrorf("invalid --epochs %d: use 1 or more", o.epochs)
	}
	if o.timeout < 0 {
		return nil, usageErrorf("invalid --timeout %s: use a positive duration", o.timeout)
	}
	r := &runner.Runner{
		TaskClass: tc,
		Builtins:  Builtins(),
		Jobs:      o.jobs,
		Epochs:    o.epochs,
		Timeout:   o.timeout,
		Seed:      o.seed,
		StateDir:  o.stateDir,
		Logger:    a.logger,
		Retries:   1,
		Limits:    defaultLimits(),
	}

	argv := o.sutArgv
	if o.sutLine != "" {
		if len(argv) > 0 {
			return nil, usageErrorf("give the SUT either with --sut or after --, not both")
		}
		argv = strings.Fields(o.sutLine)
	}
	if len(argv) > 0 {
		r.SUT = sut.Spec{Name: o.sutName, Argv: argv, Version: o.sutVersion}
	} else if o.sutName != "" || o.sutVersion != "" {
		r.SUT = sut.Spec{Name: o.sutName, Argv: tc.SUT.Argv, Env: tc.SUT.Env, Version: o.sutVersion}
		if r.SUT.Name == "" {
			r.SUT.Name = tc.SUT.Name
		}
	}

	iso, err := a.isolation(o, tc)
	if err != nil {
		return nil, err
	}
	r.Isolation = iso

	if o.frozenTime != "" {
		t, err := time.Parse(time.RFC3339, o.frozenTime)
		if err != nil {
			return nil, usageErrorf("invalid --frozen-time %q: use RFC 3339, e.g. 1970-01-01T00:00:00Z", o.frozenTime)
		}
		r.Now = func() time.Time { return t }
		r.Frozen = true
	}
	if a.streams.ErrIsTerminal {
		r.Progress = newBar(a.streams.Err, time.Now)
	} else {
		r.Progress = &lineProgress{w: a.streams.Err}
	}
	return r, nil
}

// defaultLimits are the resource limits of a SUT unless a task class sets
// others: generous for real builds, tight enough to stop a runaway.
func defaultLimits() sut.Limits {
	return sut.Limits{
		CPUSeconds: 600,
		OpenFiles:  1024,
		FileBytes:  1 << 30,
		Processes:  4096,
	}
}

// isolation returns the isolation class named by o.isolation. For bwrap it
// hides the state directory, the bench root, the task class directory and
// the user's home, and probes the sandbox before any case runs.
func (a *app) isolation(o runOptions, tc *bench.TaskClass) (sut.Isolation, error) {
	switch o.isolation {
	case "subprocess":
		return sut.Subprocess{Launcher: a.launcher}, nil
	case "bwrap":
		hidden := []string{o.stateDir, o.benchRoot, tc.Dir}
		if home, err := os.UserHomeDir(); err == nil && home != "/" {
			hidden = append(hidden, home)
		}
		b, err := sut.NewBwrap(sut.BwrapOptions{Launcher: a.launcher, Hidden: hidden})
		if err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("isolation class bwrap: %w", err))
		}
		// newRunner has no context; Probe bounds itself with a timeout.
		if err := b.Probe(context.Background()); err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("isolation class bwrap: %w", err))
		}
		return b, nil
	}
	return nil, usageErrorf("unknown isolation class %q: use subprocess or bwrap", o.isolation)
}

// printSummary prints the human summary of a sealed run.
func printSummary(w io.Writer, rep *report.BenchRunReport, path string, d *stats.Decision) {
	fmt.Fprintf(w, "task class      %s\n", rep.TaskClass)
	fmt.Fprintf(w, "sut             %s (%s)\n", rep.SUT.Name, short(rep.SUT.Digest))
	fmt.Fprintf(w, "run id          %s\n", rep.RunID)
	fmt.Fprintf(w, "isolation       %s\n", rep.IsolationClass)
	fmt.Fprintf(w, "complete        %t\n", rep.Complete)
	fmt.Fprintf(w, "cases           %d planned, %d scored, %d unscored (epochs %d, attempts %d)\n",
		rep.NPlanned, rep.N, rep.NUnscoredCases, rep.Epochs, rep.NAttempts)
	fmt.Fprintf(w, "mean_score      %s\n", formatOptional(rep.MeanScore))
	fmt.Fprintf(w, "lower_bound_95  %s (%s)\n", formatOptional(rep.LowerBound95), rep.CIMethod)
	if len(rep.BlockSeverityFailureModes) > 0 {
		fmt.Fprintf(w, "block modes     %s\n", strings.Join(rep.BlockSeverityFailureModes, ", "))
	}
	if d != nil {
		fmt.Fprintf(w, "gate            %s\n", describeDecision(*d))
	}
	fmt.Fprintf(w, "record          %s (record %d, chain head %s)\n", path, derefInt(rep.RecordNumber), rep.ChainHead)
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

func formatOptional(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.6g", *v)
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
