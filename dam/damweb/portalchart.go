package damweb

import (
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
)

// A portal's usage over time is drawn on the server as an SVG bar chart:
// no script, no chart library. The chart carries a title and a
// description for screen readers, each bar a tooltip, and the page lists
// the same numbers in a table.

// Geometry of the chart, in SVG user units (the viewBox scales it).
const (
	chartWidth   = 640
	chartHeight  = 220
	chartLeft    = 36 // room for the axis labels
	chartRight   = 8
	chartTop     = 12
	chartBottom  = 28 // room for the date labels
	chartBarGaps = 2  // units between one day's bars and the next day's
)

// chartSeries is one kind of count, drawn in its own colour (CSS class).
type chartSeries struct {
	Name, Class string
	Total       int
}

// chartBar is one bar: a count on one day.
type chartBar struct {
	X, Y, W, H float64
	Class      string
	Label      string // the tooltip: "2 Mar 2026: 3 opens"
}

// chartTick is a label on one of the axes.
type chartTick struct {
	X, Y   float64
	Label  string
	Anchor string // SVG text-anchor: "middle", or "end" at the right edge
}

// usageChart is what the template draws.
type usageChart struct {
	Title, Desc   string
	Width, Height int
	Left, Right   float64 // the plot area's edges
	Base          float64 // the y of the zero line
	Series        []chartSeries
	Bars          []chartBar
	YTicks        []chartTick
	XTicks        []chartTick
	Empty         bool // nothing happened in the period
}

// niceCeiling rounds n up to 1, 2 or 5 times a power of ten (at least 1),
// so the axis reads in round numbers.
func niceCeiling(n int) int {
	if n <= 1 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}

// dayLabel writes "2006-01-02" as people read it: "2 Mar".
func dayLabel(day string, year bool) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if year {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2 Jan")
}

func countText(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// newUsageChart lays out days (oldest first) as groups of three bars:
// opens, requests and downloads.
func newUsageChart(days []dam.DayUsage) usageChart {
	c := usageChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartWidth - chartRight,
		Base: chartHeight - chartBottom, Title: "Portal usage per day"}
	c.Series = []chartSeries{{Name: "Opens", Class: "bar-opens"}, {Name: "Requests", Class: "bar-requests"}, {Name: "Downloads", Class: "bar-downloads"}}
	top := 0
	for _, d := range days {
		for i, n := range []int{d.Opens, d.Requests, d.Downloads} {
			c.Series[i].Total += n
			top = max(top, n)
		}
	}
	c.Empty = top == 0
	if len(days) > 0 {
		c.Title = "Portal usage per day, " + dayLabel(days[0].Day, false) + " to " + dayLabel(days[len(days)-1].Day, true)
	}
	c.Desc = "Bars per day for page opens, access requests and downloads. In total: " +
		countText(c.Series[0].Total, "open") + ", " + countText(c.Series[1].Total, "request") + ", " +
		countText(c.Series[2].Total, "download") + ". The table below lists the same numbers."
	scale := niceCeiling(top)
	plotH := c.Base - chartTop
	ticks := []int{0, scale}
	if scale%2 == 0 {
		ticks = []int{0, scale / 2, scale}
	}
	for _, v := range ticks {
		c.YTicks = append(c.YTicks, chartTick{X: chartLeft - 6, Y: c.Base - plotH*float64(v)/float64(scale), Label: strconv.Itoa(v)})
	}
	if len(days) == 0 {
		return c
	}
	slot := (c.Right - c.Left) / float64(len(days))
	barW := (slot - chartBarGaps) / 3
	for i, d := range days {
		x := c.Left + float64(i)*slot + chartBarGaps/2
		for j, n := range []int{d.Opens, d.Requests, d.Downloads} {
			if n == 0 {
				continue
			}
			h := plotH * float64(n) / float64(scale)
			c.Bars = append(c.Bars, chartBar{X: x + float64(j)*barW, Y: c.Base - h, W: barW, H: h, Class: c.Series[j].Class,
				Label: dayLabel(d.Day, true) + ": " + countText(n, map[int]string{0: "open", 1: "request", 2: "download"}[j])})
		}
		// A date under the first day, every seventh day after, and today.
		switch {
		case i == len(days)-1:
			c.XTicks = append(c.XTicks, chartTick{X: c.Right, Y: c.Base + 18, Label: dayLabel(d.Day, false), Anchor: "end"})
		case i%7 == 0 && len(days)-i > 3:
			c.XTicks = append(c.XTicks, chartTick{X: x + 1.5*barW, Y: c.Base + 18, Label: dayLabel(d.Day, false), Anchor: "middle"})
		}
	}
	return c
}
