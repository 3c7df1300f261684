package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/importer"
)

// progressLine shows an import's progress on stderr: one redrawn line on a terminal, a
// line every few seconds otherwise.
type progressLine struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	last     time.Time
	drawn    int
	disabled bool
}

func newProgressLine(w io.Writer, quiet bool) *progressLine {
	return &progressLine{w: w, tty: isTerminal(w), disabled: quiet && !isTerminal(w)}
}

func (p *progressLine) update(pr importer.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disabled || pr.Phase == importer.PhaseDone {
		return
	}
	if !p.tty && time.Since(p.last) < 5*time.Second {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("%s: %s", pr.Job, pr.Phase)
	if pr.Phase == importer.PhaseImporting {
		pct := 0.0
		if pr.BytesTotal > 0 {
			pct = 100 * float64(pr.BytesRead) / float64(pr.BytesTotal)
		}
		line = fmt.Sprintf("%s: %5.1f%% of %s, %s cases, %s cases/s", pr.Job, pct,
			format.Bytes(uint64(pr.BytesTotal)), format.Count(pr.Cases), format.Rate(pr.Rate))
		if eta := pr.ETA(); eta > 0 {
			line += ", " + format.Duration(eta) + " left"
		}
	}
	if p.tty {
		pad := max(0, p.drawn-len(line))
		fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
		p.drawn = len(line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// clear removes the progress line from a terminal.
func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
		p.drawn = 0
	}
}
