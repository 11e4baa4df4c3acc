package audit

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gowebpki/jcs"
	"github.com/zeebo/blake3"
)

// knownAnswer is testdata/known_answer.json, computed by known_answer.mjs
// with JavaScript's JSON and an independent BLAKE3 implementation.
type knownAnswer struct {
	PayloadJSON          string `json:"payload_json"`
	RecordJSON           string `json:"record_json"`
	Canonical            string `json:"canonical"`
	CanonicalHex         string `json:"canonical_hex"`
	ContentHash          string `json:"content_hash"`
	RecordNumber         int64  `json:"record_number"`
	PrevHash             string `json:"prev_hash"`
	ChainHeadPreimageHex string `json:"chain_head_preimage_hex"`
	ChainHead            string `json:"chain_head"`
}

func readKnownAnswer(t *testing.T) knownAnswer {
	t.Helper()
	data, err := os.ReadFile("testdata/known_answer.json")
	if err != nil {
		t.Fatal(err)
	}
	var ka knownAnswer
	if err := json.Unmarshal(data, &ka); err != nil {
		t.Fatalf("decode testdata/known_answer.json: %v", err)
	}
	return ka
}

func TestKnownAnswerCanonical(t *testing.T) {
	ka := readKnownAnswer(t)
	if hex.EncodeToString([]byte(ka.Canonical)) != ka.CanonicalHex {
		t.Fatalf("known answer file is inconsistent: canonical and canonical_hex differ")
	}

	got, err := Canonical([]byte(ka.RecordJSON))
	if err != nil {
		t.Fatalf("Canonical(record_json) error: %v", err)
	}
	if diff := cmp.Diff(ka.Canonical, string(got)); diff != "" {
		t.Errorf("Canonical(record_json) mismatch (-want +got):\n%s", diff)
	}

	// The payload has no chain members, so jcs alone must agree as well.
	viaJCS, err := jcs.Transform([]byte(ka.PayloadJSON))
	if err != nil {
		t.Fatalf("jcs.Transform(payload_json) error: %v", err)
	}
	if string(viaJCS) != ka.Canonical {
		t.Errorf("jcs.Transform(payload_json) = %s, want %s", viaJCS, ka.Canonical)
	}
}

func TestKnownAnswerContentHash(t *testing.T) {
	ka := readKnownAnswer(t)
	sum := blake3.Sum256([]byte(ka.Canonical))
	if got := hex.EncodeToString(sum[:]); got != ka.ContentHash {
		t.Errorf("BLAKE3-256(canonical) = %s, want %s", got, ka.ContentHash)
	}
	for name, input := range map[string]string{"record_json": ka.RecordJSON, "payload_json": ka.PayloadJSON} {
		got, err := ContentHash([]byte(input))
		if err != nil {
			t.Fatalf("ContentHash(%s) error: %v", name, err)
		}
		if got != ka.ContentHash {
			t.Errorf("ContentHash(%s) = %s, want %s", name, got, ka.ContentHash)
		}
	}
}

func TestKnownAnswerChainHead(t *testing.T) {
	ka := readKnownAnswer(t)

	// Build the 73-byte preimage by hand, apart from the package's code.
	preimage := []byte{0x02}
	preimage = binary.BigEndian.AppendUint64(preimage, uint64(ka.RecordNumber))
	for _, h := range []string{ka.PrevHash, ka.ContentHash} {
		raw, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		preimage = append(preimage, raw...)
	}
	if len(preimage) != 73 {
		t.Fatalf("preimage is %d bytes, want 73", len(preimage))
	}
	if got := hex.EncodeToString(preimage); got != ka.ChainHeadPreimageHex {
		t.Errorf("preimage = %s, want %s", got, ka.ChainHeadPreimageHex)
	}
	sum := blake3.Sum256(preimage)
	if got := hex.EncodeToString(sum[:]); got != ka.ChainHead {
		t.Errorf("BLAKE3-256(preimage) = %s, want %s", got, ka.ChainHead)
	}

	got, err := ChainHead(ka.RecordNumber, ka.PrevHash, ka.ContentHash)
	if err != nil {
		t.Fatalf("ChainHead() error: %v", err)
	}
	if got != ka.ChainHead {
		t.Errorf("ChainHead(%d, %s, %s) = %s, want %s", ka.RecordNumber, ka.PrevHash, ka.ContentHash, got, ka.ChainHead)
	}
}

func TestKnownAnswerRecord(t *testing.T) {
	ka := readKnownAnswer(t)
	got, err := RecordOf([]byte(ka.RecordJSON), "runs/00000002.json")
	if err != nil {
		t.Fatalf("RecordOf(record_json) error: %v", err)
	}
	want := Record{
		SchemaVersion:  RecordSchemaVersion,
		RecordNumber:   ka.RecordNumber,
		RecordType:     "eval_run",
		PrevHash:       ka.PrevHash,
		ContentHash:    ka.ContentHash,
		ChainHead:      ka.ChainHead,
		IsolationClass: "subprocess",
		Payload: Payload{
			Path:          "runs/00000002.json",
			SchemaVersion: "codegenie.eval.bench_run_report/v1",
			RunID:         "4b1f0c2a9e6d7358",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RecordOf(record_json) mismatch (-want +got):\n%s", diff)
	}
}

func TestChainHeadRejectsInvalidInput(t *testing.T) {
	valid := strings.Repeat("ab", 32)
	tests := []struct {
		name         string
		recordNumber int64
		prevHash     string
		contentHash  string
	}{
		{"record number zero", 0, valid, valid},
		{"negative record number", -1, valid, valid},
		{"record number above 2^53-1", 1 << 53, valid, valid},
		{"short prev_hash", 1, valid[:62], valid},
		{"uppercase prev_hash", 1, strings.ToUpper(valid), valid},
		{"non-hex content_hash", 1, valid, strings.Repeat("zz", 32)},
		{"empty content_hash", 1, valid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ChainHead(tt.recordNumber, tt.prevHash, tt.contentHash); err == nil {
				t.Errorf("ChainHead(%d, %q, %q) = %s, want an error", tt.recordNumber, tt.prevHash, tt.contentHash, got)
			}
		})
	}
}

func TestContentHashIgnoresFormatting(t *testing.T) {
	a := `{"b":[1,2],"a":"x","prev_hash":"1"}`
	b := "{\n  \"a\": \"\\u0078\",\n  \"b\": [1.0, 2e0],\n  \"chain_head\": \"2\"\n}\n"
	ha, err := ContentHash([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	hb, err := ContentHash([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	if ha != hb {
		t.Errorf("ContentHash(%q) = %s and ContentHash(%q) = %s, want equal", a, ha, b, hb)
	}
}
