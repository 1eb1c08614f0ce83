package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"userpool/internal/config"
	"userpool/internal/store"
)

const migrateStoreUsage = `usage: userpool migrate-store --to DST [--from SRC] [--force] [--workers N] [--config FILE] [--data DIR]

Copies everything from the store SRC into the store DST: pools, app
clients, users (password hashes, SRP verifiers, MFA settings, aliases,
lockout state), groups, memberships, devices, token signing keys, refresh
tokens and their revocations, one-time codes, challenge sessions,
principals, access keys and the audit log. SRC and DST are "sqlite:PATH" or
"postgres://user:password@host:port/db?sslmode=..." (see --store of serve);
SRC defaults to the configured store (store.dsn, USERPOOL_STORE, else the
SQLite file of the data directory).

Stop every server using SRC first: what changes during the copy may be
missed, and the verification then fails. Access key secrets and signing
keys are copied still sealed: run the servers on DST with the same master
key (copy <data>/master.key or set USERPOOL_MASTER_KEY on every instance).

A progress bar goes to stderr. At the end every kind of record is counted
in both stores; any difference is reported and the exit status is 1.

DST must be empty. --force copies into a non-empty DST: records whose key
already exists there are kept as they are (so an interrupted copy can be
resumed), audit events are appended, and the verification then only
requires DST to hold at least as many records of each kind as SRC.`

func cmdMigrateStore(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate-store", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, migrateStoreUsage); fs.PrintDefaults() }
	var f commonFlags
	fs.StringVar(&f.data, "data", "", "data directory (for the default SQLite SRC; default ./userpool-data)")
	fs.StringVar(&f.configPath, "config", "", "YAML configuration file (store section for SRC and pool settings)")
	from := fs.String("from", "", "source store (default: the configured store)")
	to := fs.String("to", "", "destination store (required)")
	force := fs.Bool("force", false, "copy into a non-empty destination, keeping the records it already has")
	workers := fs.Int("workers", 8, "users copied in parallel")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	if *to == "" || *workers < 1 {
		fs.Usage()
		return 2
	}
	f.store = *from
	cfg, err := f.load()
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	srcBackend, srcTarget, err := cfg.StoreBackend()
	if err != nil {
		fmt.Fprintln(stderr, "userpool: --from:", err)
		return 2
	}
	dstBackend, dstTarget, err := config.ParseStoreDSN(*to, cfg.Server.Data)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: --to:", err)
		return 2
	}
	if srcBackend == dstBackend && srcTarget == dstTarget {
		fmt.Fprintln(stderr, "userpool: --from and --to name the same store")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	src, err := openBackend(ctx, srcBackend, srcTarget, cfg.Store)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: source:", err)
		return 1
	}
	defer src.Close()
	dst, err := openBackend(ctx, dstBackend, dstTarget, cfg.Store)
	if err != nil {
		fmt.Fprintln(stderr, "userpool: destination:", err)
		return 1
	}
	defer dst.Close()
	fmt.Fprintf(stderr, "copying %s\n     to %s\n", describe(srcBackend, srcTarget), describe(dstBackend, dstTarget))
	rep, err := migrateStore(ctx, src, dst, migrateOptions{Force: *force, Workers: *workers, Progress: stderr})
	if rep != nil {
		rep.write(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	fmt.Fprintln(stdout, "verified: every kind of record has the same count in both stores")
	if rep.Forced {
		fmt.Fprintln(stdout, "(--force: the destination may hold more records than the source)")
	}
	return 0
}

func describe(backend, target string) string {
	if backend == config.BackendSQLite {
		return "sqlite:" + target
	}
	return config.RedactDSN(target)
}

// Record kinds, in copy order.
var recordKinds = []string{
	"principals", "access keys", "pools", "clients", "signing keys", "groups",
	"users", "devices", "memberships", "refresh tokens", "codes", "sessions", "audit events",
}

// counts is a number of records per kind.
type counts map[string]int64

func (c counts) total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// migrateOptions tune migrateStore.
type migrateOptions struct {
	Force    bool
	Workers  int
	Progress io.Writer // nil: no progress bar
}

// migrateReport is the verification of a copy.
type migrateReport struct {
	Source, Destination counts
	Forced              bool
}

func (r *migrateReport) mismatches() []string {
	var out []string
	for _, k := range recordKinds {
		s, d := r.Source[k], r.Destination[k]
		if d != s && !(r.Forced && d > s) {
			out = append(out, fmt.Sprintf("%s: source %d, destination %d", k, s, d))
		}
	}
	return out
}

func (r *migrateReport) write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "RECORDS\tSOURCE\tDESTINATION\t\t")
	for _, k := range recordKinds {
		s, d := r.Source[k], r.Destination[k]
		mark := "ok"
		if d != s && !(r.Forced && d > s) {
			mark = "MISMATCH"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", k, s, d, mark)
	}
	tw.Flush()
}

// migrateStore copies src into dst and verifies the copy by counts. The
// report is returned whenever the counting ran, also with an error.
func migrateStore(ctx context.Context, src, dst store.Store, opts migrateOptions) (*migrateReport, error) {
	if opts.Workers < 1 {
		opts.Workers = 1
	}
	srcEx, ok := src.(store.Exporter)
	if !ok {
		return nil, fmt.Errorf("the source store (%T) cannot enumerate all its records (store.Exporter)", src)
	}
	dstEx, ok := dst.(store.Exporter)
	if !ok {
		return nil, fmt.Errorf("the destination store (%T) cannot enumerate its records for the verification (store.Exporter)", dst)
	}
	if !opts.Force {
		if what, err := nonEmpty(ctx, dst, dstEx); err != nil {
			return nil, fmt.Errorf("checking the destination: %w", err)
		} else if what != "" {
			return nil, fmt.Errorf("the destination is not empty (it has %s); use --force to copy into it anyway", what)
		}
	}
	prog := newProgress(opts.Progress)
	prog.phase("counting source records")
	want, err := countStore(ctx, src, srcEx)
	if err != nil {
		return nil, fmt.Errorf("counting the source: %w", err)
	}
	prog.start(want.total())
	c := &copier{dst: dst, force: opts.Force, workers: opts.Workers, prog: prog}
	err = walkStore(ctx, src, srcEx, c)
	if err == nil {
		err = c.wait()
	}
	prog.finish()
	if err != nil {
		return nil, fmt.Errorf("copying: %w", err)
	}
	prog.phase("verifying: counting destination records")
	got, err := countStore(ctx, dst, dstEx)
	prog.finish()
	if err != nil {
		return nil, fmt.Errorf("counting the destination: %w", err)
	}
	rep := &migrateReport{Source: want, Destination: got, Forced: opts.Force}
	if m := rep.mismatches(); len(m) > 0 {
		return rep, fmt.Errorf("verification failed: %s", strings.Join(m, "; "))
	}
	return rep, nil
}

// nonEmpty describes what the store already holds ("" when nothing).
func nonEmpty(ctx context.Context, st store.Store, ex store.Exporter) (string, error) {
	pools, _, err := st.ListPools(ctx, store.Page{Limit: 1})
	if err != nil {
		return "", err
	}
	if len(pools) > 0 {
		return "pools", nil
	}
	ps, err := st.ListPrincipals(ctx)
	if err != nil {
		return "", err
	}
	if len(ps) > 0 {
		return "principals", nil
	}
	evs, _, err := st.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 1})
	if err != nil {
		return "", err
	}
	if len(evs) > 0 {
		return "audit events", nil
	}
	for _, k := range []struct {
		name string
		any  func() (bool, error)
	}{
		{"refresh tokens", func() (bool, error) { return first(ex.AllRefreshTokens(ctx)) }},
		{"codes", func() (bool, error) { return first(ex.AllCodes(ctx)) }},
		{"sessions", func() (bool, error) { return first(ex.AllSessions(ctx)) }},
	} {
		found, err := k.any()
		if err != nil {
			return "", err
		}
		if found {
			return k.name, nil
		}
	}
	return "", nil
}

func first[T any](seq func(func(T, error) bool)) (bool, error) {
	for _, err := range seq {
		return err == nil, err
	}
	return false, nil
}

// ---------------------------------------------------------------- walking

// userRecord is a user with its devices (copied together: devices need
// their user).
type userRecord struct {
	User    store.User
	Devices []store.Device
}

// visitor receives every record of a store, parents before children:
// principals and their access keys; then per pool the pool, its clients,
// signing keys, groups, users with devices, memberships; then refresh
// tokens, codes, sessions and the audit log. endPoolUsers is called after
// the last user of a pool (before its memberships).
type visitor interface {
	visit(ctx context.Context, kind string, rec any) error
	endPoolUsers(ctx context.Context) error
}

// walkStore enumerates every record of st.
func walkStore(ctx context.Context, st store.Store, ex store.Exporter, v visitor) error {
	ps, err := st.ListPrincipals(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := v.visit(ctx, "principals", p); err != nil {
			return err
		}
		keys, err := st.ListAccessKeys(ctx, p.Name)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := v.visit(ctx, "access keys", k); err != nil {
				return err
			}
		}
	}
	if err := pages(ctx, func(pg store.Page) ([]store.Pool, string, error) { return st.ListPools(ctx, pg) }, func(p store.Pool) error {
		return walkPool(ctx, st, ex, p, v)
	}); err != nil {
		return err
	}
	for rt, err := range ex.AllRefreshTokens(ctx) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "refresh tokens", rt); err != nil {
			return err
		}
	}
	for c, err := range ex.AllCodes(ctx) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "codes", c); err != nil {
			return err
		}
	}
	for s, err := range ex.AllSessions(ctx) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "sessions", s); err != nil {
			return err
		}
	}
	return pages(ctx, func(pg store.Page) ([]store.AuditEvent, string, error) {
		return st.ListAudit(ctx, store.AuditFilter{}, pg)
	}, func(e store.AuditEvent) error { return v.visit(ctx, "audit events", e) })
}

func walkPool(ctx context.Context, st store.Store, ex store.Exporter, p store.Pool, v visitor) error {
	if err := v.visit(ctx, "pools", p); err != nil {
		return err
	}
	if err := pages(ctx, func(pg store.Page) ([]store.Client, string, error) { return st.ListClients(ctx, p.ID, pg) },
		func(c store.Client) error { return v.visit(ctx, "clients", c) }); err != nil {
		return err
	}
	keys, err := st.ListSigningKeys(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := v.visit(ctx, "signing keys", k); err != nil {
			return err
		}
	}
	if err := pages(ctx, func(pg store.Page) ([]store.Group, string, error) { return st.ListGroups(ctx, p.ID, pg) },
		func(g store.Group) error { return v.visit(ctx, "groups", g) }); err != nil {
		return err
	}
	if err := pages(ctx, func(pg store.Page) ([]store.User, string, error) { return st.ListUsers(ctx, p.ID, nil, pg) }, func(u store.User) error {
		rec := userRecord{User: u}
		if err := pages(ctx, func(pg store.Page) ([]store.Device, string, error) {
			return st.ListDevices(ctx, p.ID, u.UsernameKey, pg)
		}, func(d store.Device) error { rec.Devices = append(rec.Devices, d); return nil }); err != nil {
			return err
		}
		return v.visit(ctx, "users", rec)
	}); err != nil {
		return err
	}
	if err := v.endPoolUsers(ctx); err != nil {
		return err
	}
	for m, err := range ex.AllMemberships(ctx, p.ID) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "memberships", m); err != nil {
			return err
		}
	}
	return nil
}

// pages calls fn for every item of a paged list.
func pages[T any](ctx context.Context, list func(store.Page) ([]T, string, error), fn func(T) error) error {
	page := store.Page{Limit: store.MaxPageSize}
	for {
		items, next, err := list(page)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if next == "" {
			return ctx.Err()
		}
		page.Token = next
	}
}

// counter counts records by kind (devices from their user records).
type counter struct{ c counts }

func (c *counter) visit(_ context.Context, kind string, rec any) error {
	c.c[kind]++
	if u, ok := rec.(userRecord); ok {
		c.c["devices"] += int64(len(u.Devices))
	}
	return nil
}

func (c *counter) endPoolUsers(context.Context) error { return nil }

func countStore(ctx context.Context, st store.Store, ex store.Exporter) (counts, error) {
	c := &counter{c: counts{}}
	if err := walkStore(ctx, st, ex, c); err != nil {
		return nil, err
	}
	return c.c, nil
}

// ---------------------------------------------------------------- copying

// copier writes every visited record into dst. Users (with their devices)
// are written by up to `workers` goroutines; everything else in order.
type copier struct {
	dst     store.Store
	force   bool
	workers int
	prog    *progress

	wg   sync.WaitGroup
	sem  chan struct{}
	mu   sync.Mutex
	werr error
}

// Limits passed to the destination: the source already holds the records,
// so its counts are within the domain's limits.
const noLimit = math.MaxInt32

// exists reports whether err says the record is already in dst, which is
// only tolerated with --force.
func (c *copier) exists(err error) bool {
	return c.force && (errors.Is(err, store.ErrAlreadyExists) || errors.Is(err, store.ErrAliasExists))
}

func (c *copier) visit(ctx context.Context, kind string, rec any) error {
	if err := c.failed(); err != nil {
		return err
	}
	if u, ok := rec.(userRecord); ok {
		return c.goUser(ctx, u)
	}
	if err := c.write(ctx, rec); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	c.prog.add(1)
	return nil
}

func (c *copier) write(ctx context.Context, rec any) error {
	var err error
	switch r := rec.(type) {
	case store.Principal:
		if c.force {
			if _, gerr := c.dst.GetPrincipal(ctx, r.Name); gerr == nil {
				return nil
			}
		}
		err = c.dst.PutPrincipal(ctx, r)
	case store.AccessKey:
		err = c.dst.CreateAccessKey(ctx, r)
	case store.Pool:
		err = c.dst.CreatePool(ctx, r)
	case store.Client:
		err = c.dst.CreateClient(ctx, r)
	case store.SigningKey:
		err = c.dst.CreateSigningKey(ctx, r)
	case store.Group:
		err = c.dst.CreateGroup(ctx, r, noLimit)
	case store.Membership:
		err = c.dst.AddUserToGroup(ctx, r.PoolID, r.UsernameKey, r.GroupName, noLimit)
	case store.RefreshToken:
		err = c.dst.CreateRefreshToken(ctx, r)
	case store.Code:
		if c.force {
			if _, gerr := c.dst.GetCode(ctx, r.PoolID, r.UsernameKey, r.Purpose); gerr == nil {
				return nil
			}
		}
		err = c.dst.PutCode(ctx, r)
	case store.Session:
		err = c.dst.CreateSession(ctx, r)
	case store.AuditEvent:
		r.ID = 0 // assigned by the destination, in the same order
		_, err = c.dst.AppendAudit(ctx, r)
	default:
		return fmt.Errorf("unknown record %T", rec)
	}
	if c.exists(err) {
		return nil
	}
	return err
}

// goUser copies a user and its devices on a worker.
func (c *copier) goUser(ctx context.Context, u userRecord) error {
	if c.sem == nil {
		c.sem = make(chan struct{}, c.workers)
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.wg.Go(func() {
		defer func() { <-c.sem }()
		if err := c.writeUser(ctx, u); err != nil {
			c.fail(fmt.Errorf("user %q of pool %s: %w", u.User.Username, u.User.PoolID, err))
			return
		}
		c.prog.add(int64(1 + len(u.Devices)))
	})
	return nil
}

func (c *copier) writeUser(ctx context.Context, u userRecord) error {
	if err := c.dst.CreateUser(ctx, u.User); err != nil && !c.exists(err) {
		return err
	}
	for _, d := range u.Devices {
		if err := c.dst.CreateDevice(ctx, d); err != nil && !c.exists(err) {
			return fmt.Errorf("device %s: %w", d.Key, err)
		}
	}
	return nil
}

func (c *copier) endPoolUsers(context.Context) error { return c.wait() }

// wait waits for the user workers and returns the first error.
func (c *copier) wait() error {
	c.wg.Wait()
	return c.failed()
}

func (c *copier) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.werr == nil {
		c.werr = err
	}
}

func (c *copier) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.werr
}

// ---------------------------------------------------------------- progress

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
