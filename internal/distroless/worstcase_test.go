package distroless

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestWorstCaseInputsFinish runs parsing, derivation, the check's
// comparison and the migrator on inputs built to make them slow within the
// size caps: many copies with many sources, deep FROM chains, copies
// through many intermediate stages, a huge PATH and a long shell command.
// The time bound only detects a hang or a quadratic blow-up; each input
// takes well under a second on an ordinary machine.
func TestWorstCaseInputsFinish(t *testing.T) {
	const bound = 20 * time.Second
	inputs := map[string]func() string{
		"many copies many sources": func() string {
			var b strings.Builder
			b.WriteString("FROM golang AS b\nRUN x\nFROM alpine\n")
			for i := 0; i < 990 && b.Len() < MaxDockerfileBytes-2000; i++ {
				b.WriteString("COPY --from=b")
				for k := 0; k < 80; k++ {
					fmt.Fprintf(&b, " /s%d/f%d", i, k)
				}
				fmt.Fprintf(&b, " /d%d/\n", i)
			}
			return b.String()
		},
		"deep chain": func() string {
			var b strings.Builder
			b.WriteString("FROM alpine AS s0\n")
			for i := 1; i < 99; i++ {
				fmt.Fprintf(&b, "FROM s%d AS s%d\n", i-1, i)
				for k := 0; k < 8; k++ {
					fmt.Fprintf(&b, "COPY --from=s%d /x%d /y%d\n", i-1, k, k)
				}
			}
			return b.String()
		},
		"intermediate stages": func() string {
			var b strings.Builder
			b.WriteString("FROM golang AS b\nRUN x\n")
			for i := 0; i < 98; i++ {
				fmt.Fprintf(&b, "FROM alpine AS m%d\n", i)
				for k := 0; k < 5; k++ {
					fmt.Fprintf(&b, "COPY --from=b /a /m/a%d\n", k)
				}
			}
			b.WriteString("FROM alpine\n")
			for i := 0; i < 98; i++ {
				fmt.Fprintf(&b, "COPY --from=m%d /m /m%d\n", i, i)
			}
			b.WriteString("COPY --from=b")
			for k := 0; k < 5000; k++ {
				fmt.Fprintf(&b, " /z/%d", k)
			}
			b.WriteString(" /z/\n")
			return b.String()
		},
		"long path env": func() string {
			return "FROM alpine\nENV PATH=" + strings.Repeat("/x:", 20000) + "$PATH\n" + strings.Repeat("COPY a /b\n", 900) + "CMD [\"app\"]\n"
		},
		"long shell": func() string {
			return "FROM alpine\nCMD " + strings.Repeat("a && ", 10000) + "b\n"
		},
	}
	for name, build := range inputs {
		t.Run(name, func(t *testing.T) {
			src := build()
			start := time.Now()
			df, err := ParseBytes([]byte(src))
			if err != nil {
				t.Fatalf("ParseBytes(%d bytes) error = %v, want the input to stay within the caps", len(src), err)
			}
			Evaluate(df, df, Derive(df).Expectations)
			if _, _, err := Migrate([]byte(src)); err != nil {
				t.Errorf("Migrate() error = %v", err)
			}
			if d := time.Since(start); d > bound {
				t.Errorf("parse, derive, evaluate and migrate took %v, want under %v", d, bound)
			}
		})
	}
}
