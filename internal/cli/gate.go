package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/stats"
	"github.com/codegenie/codegenie/report"
)

type gateOptions struct {
	record    string
	against   string
	threshold float64
	margin    float64
	stateDir  string
	json      bool
	policy    stats.Policy
}

func (a *app) gateCommand() *cobra.Command {
	o := gateOptions{policy: stats.DefaultPolicy()}
	cmd := &cobra.Command{
		Use:   "gate (--threshold T | --against RECORD) [RECORD]",
		Short: "Decide promotion from a sealed run",
		Long: `Decide whether a sealed run may be promoted.

With --threshold T the run passes when lower_bound_95 > T and the policy's
minimums are met. With --against RECORD the run is compared case by case with an
incumbent run on the cases both share with equal case digests (an exact McNemar
test for binary single-epoch runs, else a paired t bound), and passes when the
lower bound of the improvement exceeds --margin.

RECORD is a record file path or a record number; the default is the newest
record. Exit codes: 0 pass, 1 fail, 4 insufficient, 2 input error.`,
		Example: `  codegenie eval gate --threshold 0.8
  codegenie eval gate --threshold 0.8 .codegenie/eval/runs/00000003.json
  codegenie eval gate --against 2 3 --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.record = args[0]
			}
			hasT, hasA := cmd.Flags().Changed("threshold"), cmd.Flags().Changed("against")
			if hasT == hasA {
				return usageErrorf("give exactly one of --threshold and --against")
			}
			return a.gate(o, hasT)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.threshold, "threshold", 0, "pass when lower_bound_95 is above `T`, in [0, 1)")
	f.StringVar(&o.against, "against", "", "incumbent `RECORD` (path or number) for the paired gate")
	f.Float64Var(&o.margin, "margin", 0, "paired gate: pass when the improvement's lower bound exceeds this margin")
	f.StringVar(&o.stateDir, "state-dir", ".codegenie/eval", "state `DIR` holding runs/")
	f.BoolVar(&o.json, "json", false, "print the decision as JSON on stdout")
	f.IntVar(&o.policy.MinCasesBinary, "min-cases-binary", o.policy.MinCasesBinary, "policy: fewest scored cases for a binary run")
	f.IntVar(&o.policy.MinCasesContinuous, "min-cases-continuous", o.policy.MinCasesContinuous, "policy: fewest scored cases for a continuous run")
	f.IntVar(&o.policy.MinClusters, "min-clusters", o.policy.MinClusters, "policy: fewest clusters for a clustered run")
	f.Float64Var(&o.policy.MaxUnscoredFrac, "max-unscored-frac", o.policy.MaxUnscoredFrac, "policy: largest fraction of unscored cases")
	return cmd
}

// gateResult is the document "eval gate --json" prints.
type gateResult struct {
	SchemaVersion string              `json:"schema_version"`
	Record        string              `json:"record"`
	Against       string              `json:"against,omitempty"`
	Decision      stats.Decision      `json:"decision"`
	Paired        *stats.PairedResult `json:"paired,omitempty"`
}

func (a *app) gate(o gateOptions, threshold bool) error {
	if err := o.policy.Validate(); err != nil {
		return usageErrorf("%v", err)
	}
	if !threshold && (o.margin <= -1 || o.margin >= 1) {
		return usageErrorf("invalid --margin %v: use a number in (-1, 1)", o.margin)
	}
	if threshold {
		if err := validateThreshold(o.threshold); err != nil {
			return err
		}
	}
	path, rep, err := loadRecord(o.stateDir, o.record)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	res := gateResult{SchemaVersion: "codegenie.eval.gate_decision/v1", Record: path}
	if threshold {
		res.Decision = gateReport(rep, o.threshold, o.policy)
	} else {
		incPath, inc, err := loadRecord(o.stateDir, o.against)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		if inc.TaskClass != rep.TaskClass {
			return usageErrorf("cannot compare task class %q (%s) with %q (%s)", rep.TaskClass, path, inc.TaskClass, incPath)
		}
		res.Against = incPath
		pr := pairRuns(rep, inc)
		res.Paired = &pr
		res.Decision = stats.GateAgainst(pr, rep.Complete, inc.Complete, len(rep.BlockSeverityFailureModes), o.margin)
	}

	if o.json {
		out, err := report.Encode(res)
		if err != nil {
			return err
		}
		a.streams.Out.Write(out)
	} else {
		fmt.Fprintf(a.streams.Out, "record  %s\n", res.Record)
		if res.Paired != nil {
			p := res.Paired
			fmt.Fprintf(a.streams.Out, "against %s\n", res.Against)
			fmt.Fprintf(a.streams.Out, "pairs   %d shared cases, mean %.6g vs %.6g (%s)\n", p.NPairs, p.MeanCandidate, p.MeanIncumbent, p.Method)
		}
		fmt.Fprintf(a.streams.Out, "gate    %s\n", describeDecision(res.Decision))
	}
	return silentExit(gateExitCode(res.Decision.Status))
}

func validateThreshold(t float64) error {
	if !(t >= 0 && t < 1) {
		return usageErrorf("invalid --threshold %v: use a number in [0, 1)", t)
	}
	return nil
}

// summaryOf recomputes the statistics of a report from its per-case
// attempts.
func summaryOf(rep *report.BenchRunReport) stats.Summary {
	cases := make([]stats.Case, len(rep.PerCase))
	for i, c := range rep.PerCase {
		cases[i] = stats.Case{Scores: scoredAttempts(c), Cluster: c.Cluster}
	}
	return stats.Summarize(cases)
}

func scoredAttempts(c report.CaseResult) []float64 {
	var scores []float64
	for _, a := range c.Attempts {
		if a.Scored && a.Score != nil {
			scores = append(scores, *a.Score)
		}
	}
	return scores
}

func gateReport(rep *report.BenchRunReport, threshold float64, p stats.Policy) stats.Decision {
	return stats.GateThreshold(summaryOf(rep), rep.Complete, len(rep.BlockSeverityFailureModes), threshold, p)
}

// pairRuns pairs the cases two runs share with equal case digests.
func pairRuns(cand, inc *report.BenchRunReport) stats.PairedResult {
	byID := map[string]report.CaseResult{}
	for _, c := range inc.PerCase {
		byID[c.CaseID] = c
	}
	var pairs []stats.Pair
	clustered := false
	for _, c := range cand.PerCase {
		ic, ok := byID[c.CaseID]
		if !ok || ic.CaseDigest != c.CaseDigest {
			continue
		}
		clustered = clustered || c.Cluster != ""
		pairs = append(pairs, stats.Pair{Candidate: scoredAttempts(c), Incumbent: scoredAttempts(ic)})
	}
	return stats.Paired(pairs, clustered)
}

func gateExitCode(s stats.Status) int {
	switch s {
	case stats.StatusPass:
		return ExitOK
	case stats.StatusInsufficient:
		return ExitInsufficient
	}
	return ExitCheckFailed
}

func describeDecision(d stats.Decision) string {
	s := string(d.Status)
	if d.Reason != stats.ReasonNone {
		s += " (" + string(d.Reason) + ")"
	}
	return fmt.Sprintf("%s: lower bound %s vs threshold %g", s, formatOptional(d.LowerBound95), d.Threshold)
}

// loadRecord reads the record named by ref: a file path, a record number, or
// "" for the newest record in stateDir/runs.
func loadRecord(stateDir, ref string) (string, *report.BenchRunReport, error) {
	runs := filepath.Join(stateDir, "runs")
	path := ref
	var n int64
	switch {
	case ref == "":
		latest, err := newestRecord(runs)
		if err != nil {
			return "", nil, err
		}
		path = latest
	case isDigits(ref):
		fmt.Sscan(ref, &n)
		path = filepath.Join(runs, fmt.Sprintf("%08d.json", n))
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		known := "the chain is empty"
		if latest, lerr := newestRecord(runs); lerr == nil {
			known = "the newest record is " + latest
		}
		return "", nil, fmt.Errorf("record %s not found: %s; name a record by its number or path", ref, known)
	}
	if err != nil {
		return "", nil, fmt.Errorf("read record: %w", err)
	}
	if err := checkRecordHashes(path, data); err != nil {
		return "", nil, err
	}
	rep, err := report.Decode(data)
	if err != nil {
		var generic map[string]json.RawMessage
		if json.Unmarshal(data, &generic) == nil {
			return "", nil, fmt.Errorf("record %s: %w (was it written by a newer codegenie?)", path, err)
		}
		return "", nil, fmt.Errorf("record %s: %w", path, err)
	}
	return path, rep, nil
}

// checkRecordHashes recomputes the record's content_hash and chain_head and
// returns an error naming both values when either differs, so that nothing
// is decided or shown from a record edited after it was sealed.
func checkRecordHashes(path string, data []byte) error {
	var chain struct {
		RecordNumber int64  `json:"record_number"`
		PrevHash     string `json:"prev_hash"`
		ContentHash  string `json:"content_hash"`
		ChainHead    string `json:"chain_head"`
	}
	if err := json.Unmarshal(data, &chain); err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	content, err := audit.ContentHash(data)
	if err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	if content != chain.ContentHash {
		return fmt.Errorf("record %s was changed after it was sealed: content_hash is %s, the content hashes to %s; run 'codegenie eval verify' to see the whole chain", path, chain.ContentHash, content)
	}
	head, err := audit.ChainHead(chain.RecordNumber, chain.PrevHash, chain.ContentHash)
	if err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	if head != chain.ChainHead {
		return fmt.Errorf("record %s was changed after it was sealed: chain_head is %s, its chain members hash to %s; run 'codegenie eval verify' to see the whole chain", path, chain.ChainHead, head)
	}
	return nil
}

func newestRecord(runs string) (string, error) {
	entries, err := os.ReadDir(runs)
	if err != nil {
		return "", fmt.Errorf("no records in %s: run 'codegenie eval run' first", runs)
	}
	latest := ""
	for _, e := range entries {
		name := e.Name()
		if len(name) == len("00000000.json") && isDigits(name[:8]) && filepath.Ext(name) == ".json" {
			latest = name
		}
	}
	if latest == "" {
		return "", fmt.Errorf("no records in %s: run 'codegenie eval run' first", runs)
	}
	return filepath.Join(runs, latest), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
