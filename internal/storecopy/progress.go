package storecopy

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws a text progress bar on w, redrawn at most every 200 ms.
type progress struct {
	w     io.Writer
	total int64
	done  atomic.Int64
	began time.Time

	mu       sync.Mutex
	lastDraw time.Time
	drawn    bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

// phase prints a line saying what runs now.
func (p *progress) phase(what string) {
	if p == nil || p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "%s ...\n", what)
}

func (p *progress) start(total int64) {
	if p == nil {
		return
	}
	p.total, p.began = total, time.Now()
	p.draw(true)
}

func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.done.Add(n)
	p.draw(false)
}

func (p *progress) finish() {
	if p == nil || p.w == nil {
		return
	}
	p.draw(true)
	p.mu.Lock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	p.mu.Unlock()
}

const barWidth = 40

func (p *progress) draw(force bool) {
	if p.w == nil || p.began.IsZero() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if !force && now.Sub(p.lastDraw) < 200*time.Millisecond {
		return
	}
	p.lastDraw = now
	done, total := p.done.Load(), p.total
	frac := 1.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	fill := int(frac * barWidth)
	bar := strings.Repeat("=", fill)
	if fill < barWidth {
		bar += ">" + strings.Repeat(" ", barWidth-fill-1)
	}
	rate := float64(done) / max(now.Sub(p.began).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r[%s] %3.0f%%  %d/%d records  %.0f/s ", bar, frac*100, done, total, rate)
	p.drawn = true
}
