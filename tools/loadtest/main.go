// Command loadtest drives a Cognito user pools endpoint (userpool, a peer
// emulator, or the bare "ceiling" server) with a closed loop of N clients
// per operation and reports throughput and latency percentiles.
//
//	loadtest run --endpoint http://127.0.0.1:9229 --credentials DATA/credentials --users 10000
//	loadtest run --target ceiling
//	loadtest ceiling-server --listen 127.0.0.1:0
//	loadtest oauth --endpoint https://127.0.0.1:9229 --credentials DATA/credentials --ca-cert DATA/tls-self-signed.crt
//	loadtest flood --endpoint http://127.0.0.1:9229 --credentials DATA/credentials --clients 100 --sources 1
//	loadtest plot -o throughput.png results/*.json
//	loadtest markdown results/*.json
//
// See README.md next to this file and BENCHMARKS.md at the repository root.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = cmdRun(ctx, args, stdout, stderr)
	case "ceiling-server":
		fs := flag.NewFlagSet("ceiling-server", flag.ContinueOnError)
		listen := fs.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
		cert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM)")
		key := fs.String("tls-key", "", "the certificate's key (PEM)")
		if err := fs.Parse(args); err != nil {
			return 2
		}
		err = serveCeiling(ctx, *listen, *cert, *key, stdout)
	case "flood":
		err = cmdFlood(ctx, args, stdout, stderr)
	case "oauth":
		err = cmdOAuth(ctx, args, stdout, stderr)
	case "plot":
		err = cmdPlot(args)
	case "markdown":
		err = cmdMarkdown(args, stdout)
	default:
		fmt.Fprintf(stderr, "loadtest: unknown command %q (run, oauth, flood, ceiling-server, plot, markdown)\n", cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	return 0
}

// Report is the JSON document of one run.
type Report struct {
	Time          string          `json:"time"`
	Target        string          `json:"target"`
	TargetVersion string          `json:"target_version,omitempty"`
	Endpoint      string          `json:"endpoint"`
	Signed        bool            `json:"signed"`
	Users         int             `json:"users"`
	UsersMeasured int             `json:"users_measured"`
	Concurrency   int             `json:"concurrency"`
	DurationS     float64         `json:"duration_s"`
	Machine       Machine         `json:"machine"`
	Command       string          `json:"command"`
	Populate      *PopulateResult `json:"populate,omitempty"`
	Ops           []OpResult      `json:"ops"`
	Server        ServerStats     `json:"server"`
	Notes         []string        `json:"notes,omitempty"`
}

type runFlags struct {
	endpoint, target, version, region    string
	accessKey, secretKey, credFile, prof string
	users, conc, popConc, authUsers      int
	walkSize                             int
	dur, warmup                          time.Duration
	poolName, ops, password, jsonOut     string
	compare, dataDir, notes              string
	serverPID                            int
	skipPopulate, populateOnly, noSign   bool
	maxIter                              int64
	popTimeout                           time.Duration
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.endpoint, "endpoint", "", "base URL of the server (loopback only); empty with --target ceiling starts one")
	fs.StringVar(&f.target, "target", "userpool", "label of the server under test (userpool, ceiling, cognito-local, moto)")
	fs.StringVar(&f.version, "target-version", "", "version of the server under test (recorded)")
	fs.StringVar(&f.region, "region", "us-east-1", "SigV4 region")
	fs.StringVar(&f.accessKey, "access-key", "", "access key id for SigV4 (or --credentials)")
	fs.StringVar(&f.secretKey, "secret-key", "", "secret access key for SigV4")
	fs.StringVar(&f.credFile, "credentials", "", "AWS shared-credentials file to read the keys from")
	fs.StringVar(&f.prof, "profile", "userpool", "profile in --credentials")
	fs.BoolVar(&f.noSign, "no-sign", false, "send admin calls unsigned")
	fs.IntVar(&f.users, "users", 10000, "users in the pool (populated when missing)")
	fs.IntVar(&f.conc, "concurrency", 32, "concurrent clients per operation")
	fs.IntVar(&f.popConc, "populate-concurrency", 64, "concurrent clients while populating")
	fs.IntVar(&f.authUsers, "auth-users", 1000, "users given a permanent password (sign-in operations)")
	fs.IntVar(&f.walkSize, "walk-size", 1000, "members of the group walked by ListUsersInGroup-walk")
	fs.DurationVar(&f.dur, "duration", 10*time.Second, "measured time per operation")
	fs.DurationVar(&f.warmup, "warmup", time.Second, "unrecorded warm-up per operation")
	fs.Int64Var(&f.maxIter, "max-ops", 5_000_000, "upper bound on operations per phase")
	fs.StringVar(&f.poolName, "pool-name", "", "pool to use or create (default loadtest-<users>)")
	fs.StringVar(&f.ops, "ops", "", "comma-separated operations to run (default all); 'none' only populates")
	fs.StringVar(&f.password, "password", "Load-Test-Passw0rd!", "password given to the populated users")
	fs.StringVar(&f.jsonOut, "json", "", "write the JSON report to this file ('-' for stdout)")
	fs.StringVar(&f.compare, "compare", "", "ceiling report JSON: add ratio columns")
	fs.StringVar(&f.dataDir, "data-dir", "", "server data directory (reports its size per user)")
	fs.IntVar(&f.serverPID, "server-pid", 0, "server process id (reports its RSS and CPU per op)")
	fs.DurationVar(&f.popTimeout, "populate-timeout", 20*time.Minute, "give up populating after this long and measure the users present")
	fs.BoolVar(&f.skipPopulate, "skip-populate", false, "assume the pool is already populated")
	fs.StringVar(&f.notes, "note", "", "free-text note recorded in the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.credFile != "" {
		ak, sk, err := readCredentials(f.credFile, f.prof)
		if err != nil {
			return err
		}
		f.accessKey, f.secretKey = ak, sk
	}
	if f.noSign {
		f.accessKey, f.secretKey = "", ""
	}
	ceiling := f.target == "ceiling"
	if f.endpoint == "" {
		if !ceiling {
			return fmt.Errorf("--endpoint is required")
		}
		u, cmd, err := startCeilingProcess("", "")
		if err != nil {
			return err
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		f.endpoint = u
		f.serverPID = cmd.Process.Pid
	}
	if ceiling && f.accessKey == "" && !f.noSign {
		// Same signing work as the real runs: the ceiling ignores the signature.
		f.accessKey, f.secretKey = "AKIALOADTESTCEILING0", "loadtest/ceiling/secret/key/0000000000000"
	}
	if f.poolName == "" {
		f.poolName = "loadtest-" + strconv.Itoa(f.users)
	}
	c, err := NewClient(f.endpoint, f.region, f.accessKey, f.secretKey, max(f.conc, f.popConc))
	if err != nil {
		return err
	}
	rep := &Report{
		Time: time.Now().UTC().Format(time.RFC3339), Target: f.target, TargetVersion: f.version,
		Endpoint: f.endpoint, Signed: c.Signed(), Users: f.users, Concurrency: f.conc,
		DurationS: f.dur.Seconds(), Machine: machineInfo(), Command: "loadtest run " + strings.Join(args, " "),
		Server: ServerStats{PID: f.serverPID},
	}
	if f.notes != "" {
		rep.Notes = append(rep.Notes, f.notes)
	}
	env := &Env{C: c, Users: f.users, AuthUsers: f.authUsers, Password: f.password, Ceiling: ceiling,
		RunID: strconv.FormatInt(time.Now().UnixNano()%1e9, 36), pairs: map[int][]pair{}}
	if ceiling {
		env.Pool = &Pool{ID: "us-east-1_Ceiling", ClientID: "ceilingclient", WalkGroup: "walk-" + strconv.Itoa(f.walkSize)}
	} else {
		p, err := findOrCreatePool(ctx, c, f.poolName, f.walkSize)
		if err != nil {
			return err
		}
		env.Pool = p
		fmt.Fprintf(stderr, "pool %s (%s), client %s, %d users present\n", p.ID, f.poolName, p.ClientID, p.Existing)
		if !f.skipPopulate && p.Existing < int64(f.users) {
			var smp *rssSampler
			if f.serverPID > 0 {
				smp = startRSSSampler(f.serverPID)
			}
			pr := populate(ctx, c, p, f.users, f.authUsers, f.walkSize, f.popConc, f.password, f.popTimeout)
			rep.Populate = &pr
			rep.Server.PopPeakRSSKB, rep.Server.PopPeakAnonKB, _ = smp.Stop()
			if pr.Incomplete && ctx.Err() == nil {
				got := int(pr.Created + pr.Existing)
				rep.Notes = append(rep.Notes, fmt.Sprintf("populate stopped after %.0fs with %d of %d users (%d errors: %s); operations ran against the %d users present",
					pr.Seconds, got, f.users, pr.Errors, topErrors(pr.ErrorTypes), got))
				env.Users = got
			}
		} else {
			rep.Populate = &PopulateResult{Users: f.users, Existing: p.Existing, Skipped: true}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	rep.UsersMeasured = env.Users
	if f.serverPID > 0 {
		rep.Server.RSSAfterPopKB = procStatusKB(f.serverPID, "VmRSS")
	}

	var smp *rssSampler
	if f.serverPID > 0 {
		smp = startRSSSampler(f.serverPID)
	}
	var cmp map[string]OpResult
	if f.compare != "" {
		cmp, err = loadOps(f.compare)
		if err != nil {
			return err
		}
	}
	want := map[string]bool{}
	for _, o := range strings.Split(f.ops, ",") {
		if o = strings.TrimSpace(o); o != "" {
			want[o] = true
		}
	}
	for _, op := range Ops() {
		if len(want) > 0 && !want[op.Name] {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		conc := f.conc
		if op.Concurrency > 0 {
			conc = op.Concurrency
		}
		res := OpResult{Name: op.Name, Concurrency: conc, Note: op.Note}
		if (ceiling && op.NoCeiling) || (op.UserpoolOnly && f.target != "userpool" && !ceiling) {
			continue
		}
		if op.Prepare != nil {
			if err := op.Prepare(ctx, env); err != nil {
				res.Skipped = err.Error()
				rep.Ops = append(rep.Ops, res)
				fmt.Fprintf(stderr, "%-32s skipped: %v\n", op.Name, err)
				continue
			}
		}
		fmt.Fprintf(stderr, "%-32s %d clients × %s …", op.Name, conc, f.dur)
		sc0, cc0, mb0, t0 := procCPU(f.serverPID), selfCPU(), machineBusy(), time.Now()
		fn := op.Fn
		res = Run(ctx, RunSpec{Name: op.Name, Concurrency: conc, Duration: f.dur, Warmup: f.warmup, MaxIter: f.maxIter,
			Fn: func(ctx context.Context, w *Worker) error { return fn(ctx, env, w) }})
		res.Note = op.Note
		if wall := time.Since(t0); f.serverPID > 0 && wall > 0 {
			own := (procCPU(f.serverPID) - sc0) + (selfCPU() - cc0)
			res.OtherCPU = max(0, float64(machineBusy()-mb0-own)/float64(wall))
		}
		if res.Ops > 0 {
			// CPU over warm-up + measurement divided by ops in both (approximately
			// the measured rate × (warm-up + duration)).
			totalOps := float64(res.Ops) * (f.warmup + f.dur).Seconds() / f.dur.Seconds()
			if f.serverPID > 0 {
				res.ServerCPUMS = ms(procCPU(f.serverPID)-sc0) / totalOps
			}
			res.ClientCPUMS = ms(selfCPU()-cc0) / totalOps
		}
		if cr, ok := cmp[op.Name]; ok && cr.Throughput > 0 {
			res.RatioCeiling = res.Throughput / cr.Throughput
			res.P99VsCeiling = res.P99MS / cr.P99MS
		} else if cr, ok := cmp["AdminGetUser"]; ok && cr.Throughput > 0 && op.NoCeiling {
			res.RatioCeiling = res.Throughput / cr.Throughput
			res.P99VsCeiling = res.P99MS / cr.P99MS
		}
		fmt.Fprintf(stderr, " %.0f/s p99 %.2f ms errors %d (other processes: %.2f cores)\n", res.Throughput, res.P99MS, res.Errors, res.OtherCPU)
		rep.Ops = append(rep.Ops, res)
	}
	rep.Server.OpsPeakRSSKB, rep.Server.OpsPeakAnonKB, rep.Server.OpsPeakFileKB = smp.Stop()
	if f.serverPID > 0 {
		rep.Server.EndAnonKB = procStatusKB(f.serverPID, "RssAnon")
		rep.Server.EndFileKB = procStatusKB(f.serverPID, "RssFile")
		rep.Server.RSSEndKB = procStatusKB(f.serverPID, "VmRSS")
		rep.Server.RSSPeakKB = procStatusKB(f.serverPID, "VmHWM")
	}
	if f.dataDir != "" {
		rep.Server.DataBytes = dirBytes(f.dataDir)
		if f.users > 0 {
			rep.Server.DataBytesPerUser = float64(rep.Server.DataBytes) / float64(f.users)
		}
	}
	printTable(stdout, rep)
	if f.jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		b = append(b, '\n')
		if f.jsonOut == "-" {
			_, err = stdout.Write(b)
		} else {
			err = os.WriteFile(f.jsonOut, b, 0o644)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func printTable(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "target=%s %s users=%d concurrency=%d duration=%.0fs signed=%v  (%d× %s)\n",
		rep.Target, rep.TargetVersion, rep.Users, rep.Concurrency, rep.DurationS, rep.Signed, rep.Machine.NProc, rep.Machine.CPU)
	if p := rep.Populate; p != nil && !p.Skipped {
		fmt.Fprintf(w, "populate: %d users in %.1fs (%.0f users/s, %d requests, %d errors %s)\n",
			p.Users, p.Seconds, p.UsersPerS, p.Requests, p.Errors, topErrors(p.ErrorTypes))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tops/s\tp50 ms\tp99 ms\tmax ms\terrors\tsrv cpu ms/op\ttool cpu ms/op\tvs ceiling\tp99/ceil\tsub req/s\tsub p99 ms\tother cores\t")
	for _, o := range rep.Ops {
		if o.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped: %s\t\t\t\t\t\t\t\t\t\t\t\t\n", o.Name, trunc(o.Skipped, 60))
			continue
		}
		errs := strconv.FormatInt(o.Errors, 10)
		if o.Errors > 0 {
			errs += " (" + topErrors(o.ErrorTypes) + ")"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t\n", o.Name, o.Throughput, o.P50MS, o.P99MS, o.MaxMS, errs,
			opt(o.ServerCPUMS, "%.3f"), opt(o.ClientCPUMS, "%.3f"), opt(o.RatioCeiling, "%.2f"), opt(o.P99VsCeiling, "%.2f"), opt(o.SubPerS, "%.0f"), opt(o.SubP99MS, "%.2f"), o.OtherCPU)
	}
	tw.Flush()
	if rep.Server.PID > 0 || rep.Server.DataBytes > 0 {
		sv := rep.Server
		fmt.Fprintf(w, "server RSS MB: populate peak %d (anon %d); after populate %d; ops peak %d (anon %d, file %d); end %d (anon %d, file %d); lifetime peak %d\n",
			sv.PopPeakRSSKB/1024, sv.PopPeakAnonKB/1024, sv.RSSAfterPopKB/1024, sv.OpsPeakRSSKB/1024, sv.OpsPeakAnonKB/1024, sv.OpsPeakFileKB/1024,
			sv.RSSEndKB/1024, sv.EndAnonKB/1024, sv.EndFileKB/1024, sv.RSSPeakKB/1024)
		fmt.Fprintf(w, "data: %.1f MB (%.0f bytes/user)\n", float64(sv.DataBytes)/1e6, sv.DataBytesPerUser)
	}
}

func opt(v float64, f string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(f, v)
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func loadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

func loadOps(path string) (map[string]OpResult, error) {
	r, err := loadReport(path)
	if err != nil {
		return nil, err
	}
	m := map[string]OpResult{}
	for _, o := range r.Ops {
		m[o.Name] = o
	}
	return m, nil
}

// readCredentials reads aws_access_key_id / aws_secret_access_key of profile
// from an AWS shared-credentials file.
func readCredentials(path, profile string) (string, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	var ak, sk string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			in = strings.TrimSpace(strings.Trim(line, "[]")) == profile
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			ak = strings.TrimSpace(v)
		case "aws_secret_access_key":
			sk = strings.TrimSpace(v)
		}
	}
	if ak == "" || sk == "" {
		return "", "", fmt.Errorf("%s: profile [%s] has no aws_access_key_id/aws_secret_access_key", path, profile)
	}
	return ak, sk, nil
}
