// Package runner runs a task class against a SUT. It plans the attempts
// (cases times epochs, sorted by case id) and runs at most Jobs of them at a
// time. It scores each finished workspace with the rubric, computes the
// statistics and builds the BenchRunReport. Seal and RunEval add the report
// to the audit chain.
package runner

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/zeebo/blake3"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/stats"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// Runner holds everything one run needs. Fields left zero take the defaults
// documented on each.
type Runner struct {
	TaskClass *bench.TaskClass
	// SUT is the program under test; its zero value means the task class's
	// default SUT.
	SUT sut.Spec
	// Builtins are the SUTs compiled into codegenie.
	Builtins []sut.Builtin
	// Isolation confines the SUT and the rubric's commands; nil means
	// sut.Subprocess without a launcher.
	Isolation sut.Isolation
	Limits    sut.Limits
	// Jobs is the number of attempts that run at once; default 1.
	Jobs int
	// Epochs overrides the task class's epoch count when > 0.
	Epochs int
	// Timeout overrides the task class's per-attempt timeout when > 0.
	Timeout time.Duration
	// Grace is the time between SIGTERM and SIGKILL; default 2s.
	Grace time.Duration
	// OutputCap caps each of stdout and stderr per attempt; default 1 MiB.
	OutputCap int64
	// Seed is passed to the SUT in its task and enters run_id.
	Seed int64
	// Retries is how many times an unscored attempt (a harness failure) is
	// run again; the SUT's own failures are never retried.
	Retries int
	// StateDir is the .codegenie/eval directory; artifacts go to
	// StateDir/artifacts.
	StateDir string
	// ScratchDir is the parent directory of the workspace copies; default
	// os.TempDir().
	ScratchDir string
	// BaseEnv holds PATH and LANG for the SUT; nil means PATH from the
	// caller's environment and LANG=C.UTF-8.
	BaseEnv map[string]string
	// Now is the clock; Frozen makes every duration 0.
	Now    func() time.Time
	Frozen bool
	Logger *slog.Logger
	// Progress, when set, receives every finished attempt.
	Progress Progress
}

// Progress receives the run's progress. Calls are serialized.
type Progress interface {
	Start(total int)
	AttemptDone(caseID string, epoch int, score *float64, unscored bool)
	Finish()
}

// attemptKey names one planned attempt.
type attemptKey struct {
	caseIndex int
	epoch     int // 1-based
}

// Run executes the run and returns its report, unsealed. When ctx is
// cancelled, running SUTs are stopped, attempts not yet started are skipped
// and the report has complete false. The error is non-nil only when the run
// could not start (an invalid SUT, an unwritable state directory).
func (r *Runner) Run(ctx context.Context) (*report.BenchRunReport, error) {
	r.defaults()
	tc := r.TaskClass
	epochs := tc.Epochs
	if r.Epochs > 0 {
		epochs = r.Epochs
	}
	timeout := tc.Timeout
	if r.Timeout > 0 {
		timeout = r.Timeout
	}
	spec := r.SUT
	if len(spec.Argv) == 0 {
		spec = sut.Spec{Name: tc.SUT.Name, Argv: tc.SUT.Argv, Env: tc.SUT.Env}
	}
	if spec.Name == "" {
		spec.Name = spec.Argv[0]
	}

	runArgv, err := resolveProgram(spec.Argv)
	if err != nil {
		return nil, err
	}
	digests, err := r.digests(spec)
	if err != nil {
		return nil, err
	}
	opts := report.Options{Epochs: epochs, Seed: r.Seed, TimeoutMS: timeout.Milliseconds()}
	runID, err := RunID(digests.bench, digests.sut, digests.rubric, tc.Name, opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.artifactDir(), 0o755); err != nil {
		return nil, fmt.Errorf("create artifact directory: %w", err)
	}
	scratch, err := os.MkdirTemp(r.ScratchDir, "codegenie-"+runID+"-")
	if err != nil {
		return nil, fmt.Errorf("create scratch directory: %w", err)
	}
	defer sut.RemoveTree(scratch)

	log := r.Logger.With("run_id", runID, "task_class", tc.Name)
	started := r.Now()
	log.Info("run started", "cases", len(tc.Cases), "epochs", epochs, "jobs", r.Jobs, "sut", spec.Name)

	var plan []attemptKey
	for i := range tc.Cases {
		for e := 1; e <= epochs; e++ {
			plan = append(plan, attemptKey{caseIndex: i, epoch: e})
		}
	}
	results := make([]attemptResult, len(plan))
	ran := make([]bool, len(plan))

	ar := &attemptRunner{
		r: r, spec: spec, argv: runArgv, timeout: timeout, scratch: scratch, log: log,
		taskClass: tc.Name, removals: make(chan string, 4*r.Jobs),
	}
	removed := make(chan struct{})
	go func() {
		defer close(removed)
		for dir := range ar.removals {
			sut.RemoveTree(dir)
		}
	}()
	if r.Progress != nil {
		r.Progress.Start(len(plan))
	}
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < r.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				res := ar.run(ctx, tc.Cases[plan[i].caseIndex], plan[i].epoch)
				mu.Lock()
				results[i], ran[i] = res, !res.interrupted
				if r.Progress != nil {
					r.Progress.AttemptDone(tc.Cases[plan[i].caseIndex].ID, plan[i].epoch, res.attempt.Score, !res.attempt.Scored)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range plan {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(ar.removals)
	<-removed
	if r.Progress != nil {
		r.Progress.Finish()
	}

	complete := ctx.Err() == nil
	for _, ok := range ran {
		complete = complete && ok
	}
	rep := &report.BenchRunReport{
		SchemaVersion:  report.SchemaVersion,
		RunID:          runID,
		TaskClass:      tc.Name,
		BenchDigest:    digests.bench,
		SUT:            report.SUT{Name: spec.Name, Argv: spec.Argv, Digest: digests.sut, Version: spec.Version},
		RubricDigest:   digests.rubric,
		IsolationClass: r.Isolation.Name(),
		Options:        opts,
		StartedAt:      formatTime(started),
		FinishedAt:     formatTime(r.Now()),
		Complete:       complete,
		Epochs:         epochs,
	}
	rep.PerCase = buildCases(tc, digests.cases, plan, results, ran)
	fillStatistics(rep)
	log.Info("run finished", "complete", complete, "n", rep.N, "n_unscored_cases", rep.NUnscoredCases)
	return rep, nil
}

func (r *Runner) defaults() {
	if r.Jobs <= 0 {
		r.Jobs = 1
	}
	if r.Grace <= 0 {
		r.Grace = 2 * time.Second
	}
	if r.OutputCap <= 0 {
		r.OutputCap = 1 << 20
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Isolation == nil {
		r.Isolation = sut.Subprocess{}
	}
	if r.BaseEnv == nil {
		r.BaseEnv = map[string]string{"PATH": os.Getenv("PATH"), "LANG": "C.UTF-8"}
	}
	if r.StateDir == "" {
		r.StateDir = ".codegenie/eval"
	}
}

// resolveProgram returns argv with argv[0] made absolute: a path with a
// slash is taken relative to the harness's working directory (not the
// workspace the SUT runs in), a bare name is looked up in PATH. A builtin
// SUT is returned as it is.
func resolveProgram(argv []string) ([]string, error) {
	if strings.HasPrefix(argv[0], sut.BuiltinPrefix) {
		return argv, nil
	}
	path, err := exec.LookPath(argv[0])
	if err == nil {
		path, err = filepath.Abs(path)
	}
	if err != nil {
		return nil, fmt.Errorf("SUT program %q not found: %w; give its path or put it on PATH", argv[0], err)
	}
	out := append([]string{path}, argv[1:]...)
	return out, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type runDigests struct {
	bench, sut, rubric string
	cases              []string
}

func (r *Runner) digests(spec sut.Spec) (runDigests, error) {
	var d runDigests
	var err error
	tc := r.TaskClass
	if d.bench, err = bench.TreeDigest(tc.Dir); err != nil {
		return d, err
	}
	if d.sut, err = sut.Digest(spec, r.Builtins); err != nil {
		return d, err
	}
	if d.rubric, err = RubricDigest(tc); err != nil {
		return d, err
	}
	for _, c := range tc.Cases {
		cd, err := bench.TreeDigest(c.Dir)
		if err != nil {
			return d, err
		}
		d.cases = append(d.cases, cd)
	}
	return d, nil
}

// RubricDigest returns rubric_digest: the BLAKE3-256 hex digest of the RFC
// 8785 canonical JSON of the task class's rubric definition.
func RubricDigest(tc *bench.TaskClass) (string, error) {
	return canonicalDigest(tc.RubricSpec)
}

// RunID returns run_id: the first 16 hex digits of the BLAKE3-256 of the
// canonical JSON of the digests, the task class name and the options. It
// uses no clock, random source or process id, so a rerun of the same inputs
// has the same id.
func RunID(benchDigest, sutDigest, rubricDigest, taskClass string, opts report.Options) (string, error) {
	d, err := canonicalDigest(map[string]any{
		"bench_digest":  benchDigest,
		"sut_digest":    sutDigest,
		"rubric_digest": rubricDigest,
		"task_class":    taskClass,
		"options":       opts,
	})
	if err != nil {
		return "", err
	}
	return d[:16], nil
}

func canonicalDigest(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	canon, err := jcs.Transform(raw)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	sum := blake3.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// buildCases groups attempt results into per-case results, sorted by case
// id, attempts by epoch.
func buildCases(tc *bench.TaskClass, caseDigests []string, plan []attemptKey, results []attemptResult, ran []bool) []report.CaseResult {
	out := make([]report.CaseResult, len(tc.Cases))
	for i, c := range tc.Cases {
		out[i] = report.CaseResult{
			CaseID:       c.ID,
			CaseDigest:   caseDigests[i],
			Cluster:      c.Cluster,
			FailureModes: []report.FailureMode{},
			Attempts:     []report.Attempt{},
			Artifacts:    []report.Artifact{},
		}
	}
	for i, k := range plan {
		if !ran[i] {
			continue
		}
		cr := &out[k.caseIndex]
		cr.Attempts = append(cr.Attempts, results[i].attempt)
		cr.Artifacts = append(cr.Artifacts, results[i].artifacts...)
		cr.DurationMS += results[i].attempt.DurationMS
	}
	for i := range out {
		cr := &out[i]
		sort.Slice(cr.Attempts, func(a, b int) bool { return cr.Attempts[a].Epoch < cr.Attempts[b].Epoch })
		modes := map[string]report.FailureMode{}
		sum, n := 0.0, 0
		for _, a := range cr.Attempts {
			for _, fm := range a.FailureModes {
				if _, ok := modes[fm.ID]; !ok {
					modes[fm.ID] = fm
				}
			}
			if a.Scored && a.Score != nil {
				sum += *a.Score
				n++
			}
		}
		for _, fm := range modes {
			cr.FailureModes = append(cr.FailureModes, fm)
		}
		sort.Slice(cr.FailureModes, func(a, b int) bool { return cr.FailureModes[a].ID < cr.FailureModes[b].ID })
		switch {
		case n == 0:
			cr.Status = report.StatusUnscored
		default:
			score := sum / float64(n)
			cr.Score = &score
			switch score {
			case 1:
				cr.Status = report.StatusPassed
			case 0:
				cr.Status = report.StatusFailed
			default:
				cr.Status = report.StatusPartial
			}
		}
	}
	return out
}

// fillStatistics computes the report's statistics from its per-case results.
func fillStatistics(rep *report.BenchRunReport) {
	cases := make([]stats.Case, len(rep.PerCase))
	clustered := false
	for i, c := range rep.PerCase {
		var scores []float64
		for _, a := range c.Attempts {
			if a.Scored && a.Score != nil {
				scores = append(scores, *a.Score)
			}
		}
		cases[i] = stats.Case{Scores: scores, Cluster: c.Cluster}
		clustered = clustered || c.Cluster != ""
		rep.NAttempts += len(c.Attempts)
	}
	s := stats.Summarize(cases)
	rep.NPlanned, rep.N, rep.NUnscoredCases = s.NPlanned, s.N, s.NUnscored
	if clustered {
		g := s.NClusters
		rep.NClusters = &g
	}
	rep.MeanScore, rep.ScoreStddev, rep.Stderr, rep.LowerBound95 = s.Mean, s.Stddev, s.Stderr, s.LowerBound95
	rep.CIMethod = string(s.Method)
	rep.BlockSeverityFailureModes = report.BlockModes(rep.PerCase)
}
