package distroless

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/codegenie/codegenie/internal/rubric"
)

// FuzzParseBytes checks that no input makes the parser wrapper, the
// expectation derivation, the check's comparison or the migrator panic,
// and that what they return is consistent: the source reassembles from its
// lines, a Dockerfile compared with itself shows no block failure mode, and
// the migrator's output parses.
func FuzzParseBytes(f *testing.F) {
	for _, dir := range []string{bundledSources, realDockerfiles} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				f.Add(data)
			}
		}
	}
	for _, seed := range []string{
		"", "FROM", "FROM a\n", "ARG A\nFROM $A\n", origGo, goodGo,
		"FROM a AS b\nFROM b\nCOPY --from=b / /\n",
		"# escape=`\nFROM a\nRUN echo `\n  hi\n",
		"FROM a\nRUN <<EOF\nx\nEOF\nCMD x && y\n",
		"FROM a\nENTRYPOINT [\"sh\", \"-c\"\n",
		"\xef\xbb\xbfFROM a\nCOPY --from=0 x y\n",
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := ParseBytes(data)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("ParseBytes error with an empty message")
			}
			return
		}
		if len(df.Stages) == 0 {
			t.Fatalf("ParseBytes succeeded with no stages")
		}
		for _, st := range df.Stages {
			if st.Parent >= st.Index {
				t.Errorf("stage %d has parent %d, want an earlier stage", st.Index, st.Parent)
			}
		}
		if got := df.Text(1, len(data)+1); got != string(data) {
			t.Errorf("Text(all lines) does not reassemble the source")
		}

		d := Derive(df)
		for _, fd := range Evaluate(df, df, d.Expectations) {
			if modeInfo(fd.Mode).Severity == rubric.SeverityBlock {
				t.Errorf("a Dockerfile compared with itself has block mode %s: %s", fd.Mode, fd.Message)
			}
		}

		out, _, err := Migrate(data)
		if err != nil {
			return
		}
		if _, err := ParseBytes(out); err != nil {
			t.Errorf("Migrate output does not parse: %v\ninput:\n%s\noutput:\n%s", err, data, out)
		}
	})
}
