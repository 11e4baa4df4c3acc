package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// bar draws a one-line progress bar on a terminal: attempts done, passes and
// the estimated time left.
type bar struct {
	w       io.Writer
	now     func() time.Time
	start   time.Time
	total   int
	done    int
	passed  int
	failed  int
	unscore int
}

func newBar(w io.Writer, now func() time.Time) *bar { return &bar{w: w, now: now} }

func (b *bar) Start(total int) {
	b.total, b.start = total, b.now()
	b.draw()
}

func (b *bar) AttemptDone(caseID string, epoch int, score *float64, unscored bool) {
	b.done++
	switch {
	case unscored:
		b.unscore++
	case score != nil && *score == 1:
		b.passed++
	default:
		b.failed++
	}
	b.draw()
}

func (b *bar) Finish() { fmt.Fprintln(b.w) }

func (b *bar) draw() {
	const width = 30
	filled := 0
	if b.total > 0 {
		filled = width * b.done / b.total
	}
	eta := "--:--"
	if b.done > 0 && b.done < b.total {
		left := time.Duration(float64(b.now().Sub(b.start)) / float64(b.done) * float64(b.total-b.done))
		eta = fmt.Sprintf("%02d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	} else if b.done == b.total {
		eta = "00:00"
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d attempts  %d passed  %d failed  %d unscored  ETA %s ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), b.done, b.total, b.passed, b.failed, b.unscore, eta)
}

// lineProgress writes one plain line per finished attempt, for logs and
// pipes.
type lineProgress struct {
	w     io.Writer
	total int
	done  int
}

func (l *lineProgress) Start(total int) { l.total = total }

func (l *lineProgress) AttemptDone(caseID string, epoch int, score *float64, unscored bool) {
	l.done++
	result := "unscored"
	if !unscored {
		result = "score " + formatOptional(score)
	}
	fmt.Fprintf(l.w, "[%d/%d] case %s epoch %d: %s\n", l.done, l.total, caseID, epoch, result)
}

func (l *lineProgress) Finish() {}
