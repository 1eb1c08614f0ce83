package main

import (
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// plotOps are the operations drawn, one panel each.
var plotOps = []string{
	"AdminGetUser", "AdminListGroupsForUser", "AdminAddUserToGroup", "AdminRemoveUserFromGroup",
	"AdminCreateUser", "ListUsers-prefix", "ListUsers-paging", "ListUsersInGroup-walk",
	"USER_SRP_AUTH", "GetUser",
}

var targetColors = map[string]color.RGBA{
	"ceiling":       {0x55, 0x55, 0x55, 0xff},
	"userpool":      {0x1f, 0x77, 0xb4, 0xff},
	"cognito-local": {0xd6, 0x27, 0x28, 0xff},
	"moto":          {0x2c, 0xa0, 0x2c, 0xff},
}

func cmdPlot(args []string) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	out := fs.String("o", "throughput.png", "output PNG")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var reps []*Report
	for _, p := range fs.Args() {
		r, err := loadReport(p)
		if err != nil {
			return err
		}
		reps = append(reps, r)
	}
	if len(reps) == 0 {
		return fmt.Errorf("plot: no report files given")
	}
	minU, maxU := 1e18, 0.0
	for _, r := range reps {
		if r.Target == "ceiling" {
			continue
		}
		minU = min(minU, float64(usersOf(r)))
		maxU = max(maxU, float64(usersOf(r)))
	}
	if maxU == 0 {
		minU, maxU = 1e4, 1e6
	}
	if minU == maxU {
		minU, maxU = minU/2, maxU*2
	}
	const cols = 2
	rows := (len(plotOps) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, opName := range plotOps {
		p := plot.New()
		p.Title.Text = opName
		p.X.Label.Text = "users in pool"
		p.Y.Label.Text = "ops/s"
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = minU/1.5, maxU*1.5
		p.Legend.Top = true
		p.Legend.Left = true
		p.Legend.TextStyle.Font.Size = vg.Points(8)
		ymin, ymax := 1e18, 0.0
		series := map[string]plotter.XYs{}
		for _, r := range reps {
			for _, o := range r.Ops {
				if o.Name != opName || o.Skipped != "" || o.Throughput <= 0 {
					continue
				}
				if r.Target == "ceiling" {
					series["ceiling"] = plotter.XYs{{X: minU / 1.5, Y: o.Throughput}, {X: maxU * 1.5, Y: o.Throughput}}
				} else {
					series[r.Target] = append(series[r.Target], plotter.XY{X: float64(usersOf(r)), Y: o.Throughput})
				}
				ymin, ymax = min(ymin, o.Throughput), max(ymax, o.Throughput)
			}
		}
		names := make([]string, 0, len(series))
		for n := range series {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			xy := series[n]
			sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
			col, ok := targetColors[n]
			if !ok {
				col = color.RGBA{0x94, 0x67, 0xbd, 0xff}
			}
			l, pts, err := plotter.NewLinePoints(xy)
			if err != nil {
				return err
			}
			l.Color, pts.Color = col, col
			l.Width = vg.Points(1.5)
			if n == "ceiling" {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				pts.Radius = 0
			}
			p.Add(l, pts)
			p.Legend.Add(n, l)
		}
		if ymax > 0 {
			// Whole decades, with room above the lines for the legend.
			p.Y.Min = math.Pow(10, math.Floor(math.Log10(ymin/2)))
			p.Y.Max = math.Pow(10, math.Ceil(math.Log10(ymax*15)))
		} else {
			p.Y.Min, p.Y.Max = 1, 10
		}
		plots[i/cols][i%cols] = p
	}
	for r := range plots {
		for c := range plots[r] {
			if plots[r][c] == nil {
				plots[r][c] = plot.New()
				plots[r][c].HideAxes()
			}
		}
	}
	img := vgimg.New(vg.Points(900), vg.Points(float64(260*rows)))
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(20), PadY: vg.Points(20),
		PadTop: vg.Points(10), PadBottom: vg.Points(10), PadLeft: vg.Points(10), PadRight: vg.Points(10)}
	canvases := plot.Align(plots, t, dc)
	for r := range plots {
		for c := range plots[r] {
			plots[r][c].Draw(canvases[r][c])
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = vgimg.PngCanvas{Canvas: img}.WriteTo(f)
	return err
}

// cmdMarkdown prints Markdown tables comparing the given reports.
func cmdMarkdown(args []string, w io.Writer) error {
	var reps []*Report
	for _, p := range args {
		r, err := loadReport(p)
		if err != nil {
			return err
		}
		reps = append(reps, r)
	}
	if len(reps) == 0 {
		return fmt.Errorf("markdown: no report files given")
	}
	sort.SliceStable(reps, func(i, j int) bool {
		oi, oj := targetOrder(reps[i].Target), targetOrder(reps[j].Target)
		if oi != oj {
			return oi < oj
		}
		return usersOf(reps[i]) < usersOf(reps[j])
	})
	label := func(r *Report) string {
		if r.Target == "ceiling" {
			return "ceiling"
		}
		return fmt.Sprintf("%s @%s", r.Target, humanN(usersOf(r)))
	}
	var names []string
	seen := map[string]bool{}
	for _, op := range Ops() {
		for _, r := range reps {
			for _, o := range r.Ops {
				if o.Name == op.Name && !seen[o.Name] {
					seen[o.Name] = true
					names = append(names, o.Name)
				}
			}
		}
	}
	// opOf finds an operation's result in a report.
	opOf := func(r *Report, name string) (OpResult, bool) {
		for _, o := range r.Ops {
			if o.Name == name {
				return o, true
			}
		}
		return OpResult{}, false
	}
	writeTable(w, "", reps, label, names, func(r *Report, n string) string {
		o, ok := opOf(r, n)
		switch {
		case !ok:
			return "–"
		case o.Skipped != "":
			return "skipped"
		case o.Ops == 0 && o.Errors > 0:
			return "fails: " + topErrors(o.ErrorTypes)
		}
		cell := fmt.Sprintf("%s/s · p50 %s · p99 %s", humanF(o.Throughput), msStr(o.P50MS), msStr(o.P99MS))
		if o.Errors > 0 {
			cell += fmt.Sprintf(" · %d err", o.Errors)
		}
		return cell
	})
	// Server CPU per operation: robust against other load on a shared machine.
	writeTable(w, "\nServer CPU per operation (ms, from /proc/PID/stat), and other processes' CPU during the phase (cores):\n\n",
		reps, label, names, func(r *Report, n string) string {
			if o, ok := opOf(r, n); ok && o.Ops > 0 && o.ServerCPUMS > 0 {
				return fmt.Sprintf("%.3f (other %.1f)", o.ServerCPUMS, o.OtherCPU)
			}
			return "–"
		})
	var ceil *Report
	var others []*Report
	for _, r := range reps {
		if r.Target == "ceiling" {
			ceil = r
		} else {
			others = append(others, r)
		}
	}
	if ceil == nil {
		return nil
	}
	// Ratio to the ceiling: measured, and derived from CPU cost — the
	// throughput the pair (server + this tool) would reach alone on the
	// machine is cores / (server + tool CPU per op), so the CPU ratio is
	// (ceiling server+tool CPU) / (target server+tool CPU). Operations the
	// ceiling did not run (multi-request ones) compare with its AdminGetUser.
	var rows []string
	for _, n := range names {
		if _, ok := opOf(ceil, n); ok {
			rows = append(rows, n)
		} else if _, ok := opOf(ceil, "AdminGetUser"); ok {
			rows = append(rows, n)
		}
	}
	writeTable(w, "\nRatio to the ceiling — measured throughput ratio / CPU-cost ratio / p99 ratio (multi-request operations against the ceiling's AdminGetUser):\n\n",
		others, label, rows, func(r *Report, n string) string {
			c, ok := opOf(ceil, n)
			if !ok {
				c, _ = opOf(ceil, "AdminGetUser")
			}
			o, ok := opOf(r, n)
			if !ok || o.Ops == 0 || c.Throughput <= 0 {
				return "–"
			}
			cell := fmt.Sprintf("%.3f", o.Throughput/c.Throughput)
			if o.ServerCPUMS > 0 && c.ServerCPUMS > 0 {
				cell += fmt.Sprintf(" / %.3f", (c.ServerCPUMS+c.ClientCPUMS)/(o.ServerCPUMS+o.ClientCPUMS))
			}
			return cell + fmt.Sprintf(" / %.1f×", o.P99MS/c.P99MS)
		})
	return nil
}

// writeTable writes title, then a Markdown table with a row per name and a
// column per report.
func writeTable(w io.Writer, title string, cols []*Report, label func(*Report) string, rows []string, cell func(r *Report, name string) string) {
	fmt.Fprint(w, title+"| operation |")
	for _, r := range cols {
		fmt.Fprintf(w, " %s |", label(r))
	}
	fmt.Fprint(w, "\n|---|")
	for range cols {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, n := range rows {
		fmt.Fprintf(w, "| %s |", n)
		for _, r := range cols {
			fmt.Fprintf(w, " %s |", cell(r, n))
		}
		fmt.Fprintln(w)
	}
}

// usersOf is the pool size the operations ran against.
func usersOf(r *Report) int {
	if r.UsersMeasured > 0 {
		return r.UsersMeasured
	}
	return r.Users
}

func targetOrder(t string) int {
	switch t {
	case "ceiling":
		return 0
	case "userpool":
		return 1
	case "cognito-local":
		return 2
	case "moto":
		return 3
	}
	return 4
}

func humanN(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func humanF(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	if v < 10 {
		s = fmt.Sprintf("%.1f", v)
	}
	// thousands separators
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && !strings.Contains(s, ".") {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func msStr(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}
