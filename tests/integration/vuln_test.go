package integration

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/report"
)

// codegenie runs the command in-process with buffer-backed streams.
func codegenie(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(t.Context(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

// TestVulnRemediationBaselines runs the bundled vuln-remediation task class
// with its three baseline SUTs and gates first-fix against osv-fix.
func TestVulnRemediationBaselines(t *testing.T) {
	state := filepath.Join(t.TempDir(), "eval")
	run := func(sut string) *report.BenchRunReport {
		t.Helper()
		code, stdout, stderr := codegenie(t, "eval", "run", "vuln-remediation", "--bench", "../../benches",
			"--state-dir", state, "--sut", "builtin:"+sut, "--json", "-j", "4")
		if code != cli.ExitOK {
			t.Fatalf("eval run with %s: exit code %d\n%s", sut, code, stderr)
		}
		rep, err := report.Decode([]byte(stdout))
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	osvFix := run("osv-fix")
	m := float64(osvFix.NPlanned)
	if osvFix.NPlanned < 60 {
		t.Errorf("vuln-remediation has %d cases, want at least 60", osvFix.NPlanned)
	}
	if osvFix.MeanScore == nil || *osvFix.MeanScore != 1 {
		t.Errorf("osv-fix mean_score = %v, want 1", osvFix.MeanScore)
	}
	if want := math.Pow(0.05, 1/m); osvFix.LowerBound95 == nil || math.Abs(*osvFix.LowerBound95-want) > 1e-9 {
		t.Errorf("osv-fix lower_bound_95 = %v, want 0.05^(1/%v) = %v", osvFix.LowerBound95, m, want)
	}

	noop := run("noop")
	if noop.MeanScore == nil || *noop.MeanScore != 0 {
		t.Errorf("noop mean_score = %v, want 0", noop.MeanScore)
	}
	for _, c := range noop.PerCase {
		if len(c.FailureModes) != 1 || c.FailureModes[0].ID != "still-vulnerable" {
			t.Errorf("noop case %s failure modes = %v, want only still-vulnerable", c.CaseID, c.FailureModes)
		}
	}

	firstFix := run("first-fix")
	if firstFix.MeanScore == nil || *firstFix.MeanScore >= 1 || *firstFix.MeanScore < 0.5 {
		t.Errorf("first-fix mean_score = %v, want below 1", firstFix.MeanScore)
	}
	for _, c := range firstFix.PerCase {
		if *c.Score == 0 && !hasModeID(c.FailureModes, "still-vulnerable") {
			t.Errorf("first-fix failed case %s without still-vulnerable: %v", c.CaseID, c.FailureModes)
		}
	}

	// Record 1 is osv-fix and record 3 is first-fix: the paired gate must
	// reject first-fix against osv-fix and promote osv-fix against first-fix.
	code, stdout, _ := codegenie(t, "eval", "gate", "--state-dir", state, "--against", "1", "3", "--json")
	if code != cli.ExitCheckFailed {
		t.Errorf("gate first-fix against osv-fix: exit code %d, want %d\n%s", code, cli.ExitCheckFailed, stdout)
	}
	code, stdout, _ = codegenie(t, "eval", "gate", "--state-dir", state, "--against", "3", "1", "--json")
	if code != cli.ExitOK {
		t.Errorf("gate osv-fix against first-fix: exit code %d, want %d\n%s", code, cli.ExitOK, stdout)
	}
	var decision struct {
		Paired struct {
			NPairs int `json:"n_pairs"`
		} `json:"paired"`
	}
	if err := json.Unmarshal([]byte(stdout), &decision); err != nil || decision.Paired.NPairs != osvFix.NPlanned {
		t.Errorf("paired gate compared %d cases, want %d (%v)", decision.Paired.NPairs, osvFix.NPlanned, err)
	}

	code, stdout, _ = codegenie(t, "eval", "verify", "--dir", state)
	if code != cli.ExitOK {
		t.Errorf("verify after three runs: exit code %d\n%s", code, stdout)
	}
}

func hasModeID(modes []report.FailureMode, id string) bool {
	for _, fm := range modes {
		if fm.ID == id {
			return true
		}
	}
	return false
}
