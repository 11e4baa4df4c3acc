package audit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFuzzSeedCorpus checks that the seed corpora in testdata/fuzz exist, and
// with -update writes them: valid and broken records for FuzzParseRecord, and
// mutations of the fixed chain for FuzzVerify.
func TestFuzzSeedCorpus(t *testing.T) {
	ka := readKnownAnswer(t)
	parseSeeds := map[string][]byte{
		"known_answer_record":    []byte(ka.RecordJSON),
		"known_answer_payload":   []byte(ka.PayloadJSON),
		"unsorted_escapes":       []byte(`{"z":{"\u00e9":"\ud83d\ude00","e":"\n\"\\"},"a":[{"y":1,"x":[]}],"\ue000":null}`),
		"number_boundaries":      []byte(`{"n":[9007199254740991,-9007199254740991,0.000001,1e-7,1E2,-0,0.50,123456789012345.5]}`),
		"number_out_of_range":    []byte(`{"n":9007199254740991.5}`),
		"duplicate_after_sort":   []byte(`{"b":1,"a":2,"b":3}`),
		"lone_surrogate":         []byte(`{"s":"\udc00"}`),
		"chain_members_unsorted": []byte(`{"prev_hash":"x","a":1,"record_number":7,"chain_head":null,"content_hash":[]}`),
		"invalid_utf8_in_key":    []byte("{\"\xc3\x28\":1}"),
		"deep_nesting":           []byte(strings.Repeat(`{"a":[`, 40) + strings.Repeat(`]}`, 40)),
	}

	records := fuzzChain(t, 2)
	verifySeeds := map[string]struct {
		index uint8
		data  []byte
	}{
		"record_2_unchanged":       {1, records[1]},
		"record_2_tabs":            {1, bytes.ReplaceAll(records[1], []byte("\n  "), []byte("\n\t"))},
		"record_2_value_changed":   {1, bytes.Replace(records[1], []byte(`"complete": true`), []byte(`"complete": false`), 1)},
		"record_1_number_as_float": {0, bytes.Replace(records[0], []byte(`"record_number": 1`), []byte(`"record_number": 1.0`), 1)},
		"record_3_truncated":       {2, records[2][:len(records[2])/2]},
	}

	dir := filepath.Join(testdataDir, "fuzz")
	if *update {
		for name, data := range parseSeeds {
			writeSeed(t, filepath.Join(dir, "FuzzParseRecord", name), fmt.Sprintf("[]byte(%q)\n", data))
		}
		for name, seed := range verifySeeds {
			writeSeed(t, filepath.Join(dir, "FuzzVerify", name), fmt.Sprintf("uint8(%d)\n[]byte(%q)\n", seed.index, seed.data))
		}
	}
	for target, names := range map[string][]string{"FuzzParseRecord": mapKeys(parseSeeds), "FuzzVerify": mapKeys(verifySeeds)} {
		for _, name := range names {
			if _, err := os.Stat(filepath.Join(dir, target, name)); err != nil {
				t.Errorf("seed corpus file missing: %v; run go test ./audit -run TestFuzzSeedCorpus -update", err)
			}
		}
	}
}

func writeSeed(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, []byte("go test fuzz v1\n"+body))
}

func mapKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
