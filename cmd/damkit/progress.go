package main

import (
	"fmt"
	"io"
	"sync/atomic"
	"unicode/utf8"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// bars draws progress bars (github.com/vbauerster/mpb/v8) when standard
// output is a terminal and -json is off; otherwise every method does
// nothing, so scripts and logs get only the summary.
type bars struct {
	p *mpb.Progress
}

func (e *env) bars() *bars {
	if !e.tty || e.json {
		return &bars{}
	}
	return &bars{p: mpb.NewWithContext(e.ctx, mpb.WithOutput(e.stdout), mpb.WithWidth(40))}
}

// bar is one bar; a nil *bar does nothing.
type bar struct{ b *mpb.Bar }

// total adds a bar counted in units (files) with bytes shown beside it.
func (b *bars) count(label string, total int64) *bar {
	if b.p == nil {
		return nil
	}
	return &bar{b.p.AddBar(total, mpb.BarPriority(-1),
		mpb.PrependDecorators(decor.Name(label, decor.WC{C: decor.DindentRight | decor.DextraSpace}), decor.CountersNoUnit("%d / %d")),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5}), decor.Name(" "), decor.AverageETA(decor.ET_STYLE_GO)))}
}

// bytes adds a bar of a transfer of size bytes (-1 unknown), removed when
// complete.
func (b *bars) bytes(label string, size int64, keep bool) *bar {
	if b.p == nil {
		return nil
	}
	opts := []mpb.BarOption{
		mpb.PrependDecorators(decor.Name(shorten(label, 32), decor.WC{W: 33, C: decor.DindentRight}),
			decor.CountersKibiByte("% .1f / % .1f")),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5}), decor.Name(" "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")),
	}
	if !keep {
		opts = append(opts, mpb.BarRemoveOnComplete())
	}
	return &bar{b.p.AddBar(max(size, 0), opts...)}
}

func (b *bar) set(n int64) {
	if b != nil {
		b.b.SetCurrent(n)
	}
}

func (b *bar) add(n int64) {
	if b != nil {
		b.b.IncrInt64(n)
	}
}

// done completes the bar (or drops it, when the transfer failed).
func (b *bar) done(ok bool) {
	if b == nil {
		return
	}
	if ok {
		b.b.SetTotal(-1, true)
	} else {
		b.b.Abort(true)
	}
}

// wait lets the bars draw their last state.
func (b *bars) wait() {
	if b.p != nil {
		b.p.Wait()
	}
}

// log writes a line above the bars (or straight to w without them).
func (b *bars) log(w io.Writer, format string, a ...any) {
	if b.p != nil {
		fmt.Fprintf(b.p, format+"\n", a...)
		return
	}
	fmt.Fprintf(w, format+"\n", a...)
}

// shorten keeps the end of a long name: …/dir/file.jpg.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-n+1:])
}

// slot is the bar of one worker: it shows the file that worker is
// sending, then the next. Bars that come and go per file would pile up
// faster than the terminal is redrawn when files are small (hundreds a
// second), so each worker keeps one bar for its whole run.
type slot struct {
	b    *mpb.Bar
	name atomic.Pointer[string]
}

// slots adds n worker bars; nil (doing nothing) without a terminal.
func (b *bars) slots(n int) []*slot {
	out := make([]*slot, n)
	if b.p == nil {
		return out
	}
	for i := range out {
		s := &slot{}
		idle := ""
		s.name.Store(&idle)
		// A zero total never completes by itself: the bar stays until close.
		s.b = b.p.AddBar(0,
			mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return shorten(*s.name.Load(), 32) }, decor.WC{W: 33, C: decor.DindentRight}),
				decor.CountersKibiByte("% .1f / % .1f")),
			mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5})))
		out[i] = s
	}
	return out
}

// start shows a new file of size bytes on the slot.
func (s *slot) start(name string, size int64) {
	if s == nil {
		return
	}
	s.name.Store(&name)
	s.b.SetTotal(max(size, 1), false)
	s.b.SetCurrent(0)
}

func (s *slot) set(n int64) {
	if s != nil {
		s.b.SetCurrent(n)
	}
}

// closeSlots removes the worker bars.
func closeSlots(ss []*slot) {
	for _, s := range ss {
		if s != nil {
			s.b.Abort(true)
		}
	}
}
