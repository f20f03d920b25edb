package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
)

// progressLine redraws one status line on a terminal and stays silent when output is piped, so
// long commands can be watched by people and their output piped into logs by scripts.
type progressLine struct {
	w     io.Writer
	tty   bool
	last  time.Time
	stage string
	drawn bool
}

func newProgressLine(w io.Writer) *progressLine {
	f, ok := w.(*os.File)
	return &progressLine{w: w, tty: ok && isatty.IsTerminal(f.Fd())}
}

// Update shows stage and done/total, at most ten times a second (and always on a new stage).
func (p *progressLine) Update(stage string, done, total int64) {
	if !p.tty {
		return
	}
	now := time.Now()
	if stage == p.stage && now.Sub(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.stage, p.last, p.drawn = stage, now, true
	if total > 0 {
		fmt.Fprintf(p.w, "\r\033[K%-12s %3d%%  %d/%d", stage, done*100/total, done, total)
	} else {
		fmt.Fprintf(p.w, "\r\033[K%-12s %d", stage, done)
	}
}

// Done clears the line.
func (p *progressLine) Done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
