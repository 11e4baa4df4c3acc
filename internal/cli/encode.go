package cli

import (
	"bytes"
	"encoding/json"

	"github.com/codegenie/codegenie/report"
)

func encodeReport(rep *report.BenchRunReport) ([]byte, error) { return report.Encode(rep) }

// encodeLine encodes v as one line of compact JSON with sorted keys.
func encodeLine(v any) ([]byte, error) {
	pretty, err := report.Encode(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, pretty); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
