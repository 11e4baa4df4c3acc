package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

// benchReport returns a report of 60 compact per-case entries, about 7 KB
// when sealed, the size the benchmarks assume for a realistic record.
func benchReport(seed int) []byte {
	perCase := make([]map[string]any, 60)
	for i := range perCase {
		perCase[i] = map[string]any{
			"case_id":     fmt.Sprintf("go-2024-%04d", i),
			"score":       json.Number([]string{"1", "0", "0.5"}[(seed+i)%3]),
			"status":      "scored",
			"duration_ms": 1000 + (seed*7+i)%5000,
		}
	}
	report := map[string]any{
		"schema_version":  "codegenie.eval.bench_run_report/v1",
		"run_id":          fmt.Sprintf("%016x", seed),
		"task_class":      "vuln-remediation",
		"bench_digest":    fmt.Sprintf("%064x", seed+1),
		"rubric_digest":   fmt.Sprintf("%064x", seed+2),
		"sut":             map[string]any{"name": "minimal-fix", "argv": []string{"./fix"}, "digest": fmt.Sprintf("%064x", seed+3)},
		"isolation_class": "subprocess",
		"started_at":      "1970-01-01T00:00:00Z",
		"finished_at":     "1970-01-01T00:00:00Z",
		"complete":        true,
		"n":               60,
		"mean_score":      json.Number("0.8333333333333334"),
		"lower_bound_95":  json.Number("0.7519"),
		"ci_method":       "clopper_pearson",
		"per_case":        perCase,
	}
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		panic("audit test: marshal report: " + err.Error())
	}
	return data
}

// reportLatency reports the median and 90th percentile of durations.
func reportLatency(b *testing.B, durations []time.Duration) {
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*9/10].Microseconds()), "p90-µs")
}

// BenchmarkSeal measures one Seal on a chain that grows by one record per
// iteration.
func BenchmarkSeal(b *testing.B) {
	stateDir := filepath.Join(b.TempDir(), "eval")
	payload := benchReport(1)
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := Seal(b.Context(), stateDir, payload); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	reportLatency(b, durations)
}

// BenchmarkSealBaseline writes the same bytes as a record the plain way: a
// temporary file, write, fsync, rename and an fsync of the directory.
func BenchmarkSealBaseline(b *testing.B) {
	dir := b.TempDir()
	sealed, err := Seal(b.Context(), filepath.Join(b.TempDir(), "eval"), benchReport(1))
	if err != nil {
		b.Fatal(err)
	}
	var durations []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := writeSyncRename(dir, recordFileName(int64(i+1)), sealed.Bytes); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	reportLatency(b, durations)
}

func writeSyncRename(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

const benchChainLength = 10000

// benchChain writes a valid chain of benchChainLength records of about 7 KB
// into a new directory, without Seal's fsyncs, and returns the directory and
// the bytes of every record.
func benchChain(b *testing.B) (string, [][]byte) {
	b.Helper()
	runsDir := b.TempDir()
	records := make([][]byte, benchChainLength)
	prevHash := GenesisPrevHash
	for i := range records {
		prepared, err := preparePayload(benchReport(i))
		if err != nil {
			b.Fatal(err)
		}
		sealed, err := buildRecord(prepared, int64(i+1), prevHash)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(runsDir, recordFileName(sealed.RecordNumber)), sealed.Bytes, 0o644); err != nil {
			b.Fatal(err)
		}
		records[i] = sealed.Bytes
		prevHash = sealed.ChainHead
	}
	return runsDir, records
}

func totalSize(records [][]byte) int64 {
	var n int64
	for _, r := range records {
		n += int64(len(r))
	}
	return n
}

// BenchmarkVerify verifies a chain of 10,000 records from files in the page
// cache. One operation is one Verify of the whole chain.
func BenchmarkVerify(b *testing.B) {
	runsDir, records := benchChain(b)
	b.SetBytes(totalSize(records))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Verify(runsDir, VerifyOptions{ExpectLength: benchChainLength})
		if err != nil {
			b.Fatal(err)
		}
		if !res.OK {
			b.Fatalf("Verify() problems: %v", res.Problems[:min(3, len(res.Problems))])
		}
	}
	b.ReportMetric(float64(benchChainLength*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkVerifyRecordInMemory runs the per-record work of Verify, without
// file access, on one goroutine.
func BenchmarkVerifyRecordInMemory(b *testing.B) {
	_, records := benchChain(b)
	b.SetBytes(totalSize(records))
	b.ReportAllocs()
	var p parser
	for b.Loop() {
		for i, data := range records {
			f := recordFile{name: recordFileName(int64(i + 1))}
			pr, err := p.parse(data)
			if err != nil {
				b.Fatal(err)
			}
			checkChainMembers(&f, &pr)
			if len(f.problems) > 0 {
				b.Fatal(f.problems)
			}
		}
	}
	b.ReportMetric(float64(benchChainLength*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBLAKE3 hashes the bytes of the same 10,000 records, one Sum256 per
// record on one goroutine: the reference speed for BenchmarkVerify.
func BenchmarkBLAKE3(b *testing.B) {
	_, records := benchChain(b)
	b.SetBytes(totalSize(records))
	for b.Loop() {
		for _, data := range records {
			blake3.Sum256(data)
		}
	}
	b.ReportMetric(float64(benchChainLength*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkCanonical compares the scanner with the reference implementation
// it replaced, on one record.
func BenchmarkCanonical(b *testing.B) {
	record := benchReport(1)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(record)))
		b.ReportAllocs()
		var p parser
		for b.Loop() {
			if _, err := p.parse(record); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.SetBytes(int64(len(record)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := referenceCanonical(record); err != nil {
				b.Fatal(err)
			}
		}
	})
}
