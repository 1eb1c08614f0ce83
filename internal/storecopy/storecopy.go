package storecopy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"userpool/internal/store"
)

// kinds are the record kinds, in copy order.
var kinds = []string{
	"principals", "access keys", "pools", "clients", "signing keys", "resources", "groups",
	"users", "devices", "memberships", "passkeys", "import jobs", "import CSVs",
	"refresh tokens", "codes", "sessions", "audit events",
}

// Kinds returns the record kinds, in copy order: the keys of Counts.
func Kinds() []string { return slices.Clone(kinds) }

// Counts is a number of records per kind.
type Counts map[string]int64

// Total is the number of records of every kind.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// Options tune Copy.
type Options struct {
	// Force copies into a non-empty destination: records whose key it
	// already holds are kept as they are (so an interrupted copy can be
	// resumed), audit events are appended, and the verification only
	// requires the destination to hold at least as many records of each
	// kind as the source.
	Force bool
	// Workers is how many users (with their devices) are written in
	// parallel; less than 1 means 1.
	Workers int
	// Progress receives a text progress bar; nil draws none.
	Progress io.Writer
}

// Report is the verification of a copy: the records of each kind in both
// stores.
type Report struct {
	Source, Destination Counts
	Forced              bool
}

// Mismatches describes every kind whose counts differ (with Forced, whose
// destination holds fewer), as "kind: source N, destination M".
func (r *Report) Mismatches() []string {
	var out []string
	for _, k := range kinds {
		s, d := r.Source[k], r.Destination[k]
		if d != s && !(r.Forced && d > s) {
			out = append(out, fmt.Sprintf("%s: source %d, destination %d", k, s, d))
		}
	}
	return out
}

// WriteTable writes the report as a table: each kind with both counts and
// "ok" or "MISMATCH".
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "RECORDS\tSOURCE\tDESTINATION\t\t")
	for _, k := range kinds {
		s, d := r.Source[k], r.Destination[k]
		mark := "ok"
		if d != s && !(r.Forced && d > s) {
			mark = "MISMATCH"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", k, s, d, mark)
	}
	return tw.Flush()
}

// NotEmptyError refuses a copy into a destination that already holds
// records, without Options.Force.
type NotEmptyError struct {
	What string // the first kind of record found: "pools", "principals", ...
}

func (e *NotEmptyError) Error() string { return "the destination is not empty (it has " + e.What + ")" }

// Copy copies every record of src into dst and verifies the copy by
// counting the records of each kind in both. Both stores must implement
// store.Exporter. Without opts.Force a dst holding any record is refused
// with a *NotEmptyError. The report is returned whenever the counting ran,
// also with an error (a verification failure names each kind that differs).
func Copy(ctx context.Context, src, dst store.Store, opts Options) (*Report, error) {
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
			return nil, &NotEmptyError{What: what}
		}
	}
	prog := newProgress(opts.Progress)
	prog.phase("counting source records")
	want, err := countStore(ctx, src, srcEx)
	if err != nil {
		return nil, fmt.Errorf("counting the source: %w", err)
	}
	prog.start(want.Total())
	c := &copier{src: src, dst: dst, force: opts.Force, workers: opts.Workers, prog: prog}
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
	rep := &Report{Source: want, Destination: got, Forced: opts.Force}
	if m := rep.Mismatches(); len(m) > 0 {
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
// signing keys, resources (every kind), groups, users with devices,
// memberships, passkeys, import jobs (a store.ImportJob: its CSV body, when HasCSV,
// is the copier's to read); then refresh tokens, codes, sessions and the
// audit log. endPoolUsers is called after the last user of a pool (before
// its memberships).
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
	for r, err := range ex.AllResources(ctx, p.ID) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "resources", r); err != nil {
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
	for w, err := range ex.AllWebAuthnCredentials(ctx, p.ID) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "passkeys", w); err != nil {
			return err
		}
	}
	for j, err := range ex.AllImportJobs(ctx, p.ID) {
		if err != nil {
			return err
		}
		if err := v.visit(ctx, "import jobs", j); err != nil {
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

// counter counts records by kind (devices from their user records, CSV
// bodies from their jobs' HasCSV).
type counter struct{ c Counts }

func (c *counter) visit(_ context.Context, kind string, rec any) error {
	c.c[kind]++
	switch r := rec.(type) {
	case userRecord:
		c.c["devices"] += int64(len(r.Devices))
	case store.ImportJob:
		if r.HasCSV {
			c.c["import CSVs"]++
		}
	}
	return nil
}

func (c *counter) endPoolUsers(context.Context) error { return nil }

func countStore(ctx context.Context, st store.Store, ex store.Exporter) (Counts, error) {
	c := &counter{c: Counts{}}
	if err := walkStore(ctx, st, ex, c); err != nil {
		return nil, err
	}
	return c.c, nil
}

// ---------------------------------------------------------------- copying

// copier writes every visited record into dst. Users (with their devices)
// are written by up to `workers` goroutines; everything else in order. An
// import job's CSV body is read from src when the job is written, so at
// most one body is in memory at a time.
type copier struct {
	src     store.Store
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
// only tolerated with Options.Force.
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
	if j, ok := rec.(store.ImportJob); ok {
		if err := c.writeImportJob(ctx, j); err != nil {
			return fmt.Errorf("import job %s of pool %s: %w", j.ID, j.PoolID, err)
		}
		c.prog.add(1 + b2i(j.HasCSV))
		return nil
	}
	if err := c.write(ctx, rec); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	c.prog.add(1)
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// writeImportJob creates the job as stored (status, counts, lease) and then
// its CSV body, read from the source now (PutImportCSV accepts it in the
// job's own status). With Force an existing job is kept, and given the body
// when an interrupted copy left it without one.
func (c *copier) writeImportJob(ctx context.Context, j store.ImportJob) error {
	status := j.Status
	err := c.dst.CreateImportJob(ctx, j)
	switch {
	case c.exists(err):
		cur, gerr := c.dst.GetImportJob(ctx, j.PoolID, j.ID)
		if gerr != nil {
			return gerr
		}
		if cur.HasCSV {
			return nil
		}
		status = cur.Status
	case err != nil:
		return err
	}
	if !j.HasCSV {
		return nil
	}
	body, err := c.src.GetImportCSV(ctx, j.PoolID, j.ID)
	if err != nil {
		return fmt.Errorf("reading its CSV: %w", err)
	}
	if err := c.dst.PutImportCSV(ctx, j.PoolID, j.ID, status, body); err != nil {
		return fmt.Errorf("writing its CSV (%d bytes): %w", len(body), err)
	}
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
	case store.Resource:
		err = c.dst.CreateResource(ctx, r, 0)
	case store.Group:
		err = c.dst.CreateGroup(ctx, r, noLimit)
	case store.Membership:
		err = c.dst.AddUserToGroup(ctx, r.PoolID, r.UsernameKey, r.GroupName, noLimit)
	case store.WebAuthnCredential:
		err = c.dst.CreateWebAuthnCredential(ctx, r)
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
