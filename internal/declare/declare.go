package declare

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"userpool/internal/config"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// Report says what Apply did.
type Report struct {
	// Changes are human-readable lines ("created pool app (us-east-1_x)").
	Changes []string
	// PoolIDs maps each declared pool's name to its id.
	PoolIDs map[string]string
	// Keyless lists declared principals that have no access key yet.
	Keyless []string
	// Declared lists every declared pool and app client with its id, in
	// the file's order, whether or not this start changed it (the server
	// logs them at every start).
	Declared []Declared
}

// Declared is a declared pool or app client and its id.
type Declared struct {
	Kind   string // "pool", "app client" or "identity pool"
	Name   string
	ID     string
	PoolID string
}

// IAM is the store part Apply needs for principals and roles.
type IAM interface {
	PutPrincipal(ctx context.Context, p store.Principal) error
	GetPrincipal(ctx context.Context, name string) (store.Principal, error)
	ListAccessKeys(ctx context.Context, principal string) ([]store.AccessKey, error)
	GetRole(ctx context.Context, name string) (store.Role, error)
	PutRole(ctx context.Context, r store.Role) error
}

// Apply creates or updates what cfg declares. Every problem is returned in a
// config.Problems, each prefixed with its path in the file; what could be
// applied is applied.
func Apply(ctx context.Context, svc *userpool.Service, iamStore IAM, cfg *config.Config, now time.Time) (Report, error) {
	a := &applier{ctx: ctx, svc: svc, iam: iamStore, rep: Report{PoolIDs: map[string]string{}}}
	for i := range cfg.Pools {
		a.pool(fmt.Sprintf("pools[%d]", i), &cfg.Pools[i])
	}
	for i := range cfg.Principals {
		a.principal(fmt.Sprintf("principals[%d]", i), &cfg.Principals[i], cfg, now)
	}
	for i := range cfg.Roles { // identity.go
		a.role(fmt.Sprintf("roles[%d]", i), &cfg.Roles[i], cfg, now)
	}
	for i := range cfg.IdentityPools {
		a.identityPool(fmt.Sprintf("identity_pools[%d]", i), &cfg.IdentityPools[i], cfg)
	}
	if len(a.problems) > 0 {
		return a.rep, a.problems
	}
	return a.rep, nil
}

type applier struct {
	ctx      context.Context
	svc      *userpool.Service
	iam      IAM
	rep      Report
	problems config.Problems
	allPools []*userpool.Pool // lazily listed
}

func (a *applier) fail(path string, err error) {
	var de *userpool.Error
	if errors.As(err, &de) && de.Kind != userpool.KindInternal {
		a.problems = append(a.problems, path+": "+de.Message)
		return
	}
	a.problems = append(a.problems, fmt.Sprintf("%s: %v", path, err))
}

func (a *applier) changed(format string, args ...any) {
	a.rep.Changes = append(a.rep.Changes, fmt.Sprintf(format, args...))
}

func (a *applier) pools() ([]*userpool.Pool, error) {
	if a.allPools != nil {
		return a.allPools, nil
	}
	var all []*userpool.Pool
	token := ""
	for {
		ps, next, err := a.svc.ListPools(a.ctx, store.MaxPageSize, token)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if next == "" {
			break
		}
		token = next
	}
	a.allPools = all
	return all, nil
}

func isNotFound(err error) bool {
	return userpool.KindOf(err) == userpool.KindResourceNotFound
}

func passwordPolicy(pp *config.PasswordPolicy) *userpool.PasswordPolicyInput {
	if pp == nil {
		return nil
	}
	d := userpool.DefaultPasswordPolicy
	pick := func(v *bool, def bool) bool {
		if v != nil {
			return *v
		}
		return def
	}
	in := &userpool.PasswordPolicyInput{
		MinimumLength:                 pp.MinimumLength,
		PasswordHistorySize:           pp.PasswordHistorySize,
		RequireUppercase:              pick(pp.RequireUppercase, d.RequireUppercase),
		RequireLowercase:              pick(pp.RequireLowercase, d.RequireLowercase),
		RequireNumbers:                pick(pp.RequireNumbers, d.RequireNumbers),
		RequireSymbols:                pick(pp.RequireSymbols, d.RequireSymbols),
		TemporaryPasswordValidityDays: pp.TemporaryPasswordValidityDays,
	}
	return in
}

func (a *applier) pool(path string, dp *config.Pool) {
	var p *userpool.Pool
	var err error
	if dp.ID != "" {
		p, err = a.svc.GetPool(a.ctx, dp.ID)
		if err != nil && !isNotFound(err) {
			a.fail(path, err)
			return
		}
		err = nil
	} else {
		all, lerr := a.pools()
		if lerr != nil {
			a.fail(path, lerr)
			return
		}
		var matches []*userpool.Pool
		for _, q := range all {
			if q.Name == dp.Name {
				matches = append(matches, q)
			}
		}
		if len(matches) > 1 {
			ids := make([]string, len(matches))
			for i, m := range matches {
				ids[i] = m.ID
			}
			a.problems = append(a.problems, fmt.Sprintf("%s.name: %d pools are named %q (%v); give the pool's id to say which one is meant", path, len(matches), dp.Name, ids))
			return
		}
		if len(matches) == 1 {
			p = matches[0]
		}
	}

	if p == nil {
		in := createInput(dp)
		if dp.ID != "" {
			p, err = a.svc.CreatePoolWithID(a.ctx, dp.ID, in)
		} else {
			p, err = a.svc.CreatePool(a.ctx, in)
			if err == nil && dp.MFA != "" && dp.MFA != "OFF" {
				// CreatePool leaves TOTP off (SetUserPoolMfaConfig's); DeclarePool turns it on.
				_, err = a.svc.DeclarePool(a.ctx, p.ID, func(*userpool.PoolInput) {})
			}
		}
		if err != nil {
			a.fail(path, err)
			return
		}
		a.allPools = nil
		a.changed("created pool %q (%s)", p.Name, p.ID)
	} else {
		a.checkImmutable(path, dp, p)
		a.addCustomAttributes(path, dp, p)
		wrote, err := a.svc.DeclarePool(a.ctx, p.ID, poolChange(dp))
		if err != nil {
			a.fail(path, err)
			return
		}
		if wrote {
			a.allPools = nil
			a.changed("updated pool %q (%s)", dp.Name, p.ID)
		}
	}
	a.rep.Declared = append(a.rep.Declared, Declared{Kind: "pool", Name: dp.Name, ID: p.ID, PoolID: p.ID})
	a.rep.PoolIDs[dp.Name] = p.ID

	for i := range dp.Groups {
		a.group(fmt.Sprintf("%s.groups[%d]", path, i), p.ID, &dp.Groups[i])
	}
	for i := range dp.Clients {
		a.client(fmt.Sprintf("%s.clients[%d]", path, i), p.ID, &dp.Clients[i])
	}
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func (a *applier) checkImmutable(path string, dp *config.Pool, p *userpool.Pool) {
	st := p.Settings
	const hint = "it cannot change after the pool was created; change the configuration or delete the pool"
	if !sameSet(dp.UsernameAttributes, st.UsernameAttributes) {
		a.problems = append(a.problems, fmt.Sprintf("%s.username_attributes: pool %s has %v; %s", path, p.ID, st.UsernameAttributes, hint))
	}
	if !sameSet(dp.AliasAttributes, st.AliasAttributes) {
		a.problems = append(a.problems, fmt.Sprintf("%s.alias_attributes: pool %s has %v; %s", path, p.ID, st.AliasAttributes, hint))
	}
	want := true
	if dp.CaseSensitive != nil {
		want = *dp.CaseSensitive
	}
	if want != st.CaseSensitive {
		a.problems = append(a.problems, fmt.Sprintf("%s.case_sensitive: pool %s has %v; %s", path, p.ID, st.CaseSensitive, hint))
	}
}

// addCustomAttributes adds the declared custom attributes an existing pool
// lacks (AddCustomAttributes); the schema is otherwise fixed at creation.
func (a *applier) addCustomAttributes(path string, dp *config.Pool, p *userpool.Pool) {
	var missing []config.SchemaAttribute
	for _, s := range dp.Schema {
		if isStandardAttribute(s.Name) {
			continue
		}
		if _, ok := p.SchemaAttribute("custom:" + s.Name); !ok {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return
	}
	if err := a.svc.AddCustomAttributes(a.ctx, p.ID, schemaInput(missing)); err != nil {
		a.fail(path+".schema", err)
		return
	}
	for _, s := range missing {
		a.changed("added custom attribute %q to pool %s", "custom:"+s.Name, p.ID)
	}
}

func (a *applier) group(path, poolID string, dg *config.Group) {
	cur, err := a.svc.GetGroup(a.ctx, poolID, dg.Name)
	if isNotFound(err) {
		_, err = a.svc.CreateGroup(a.ctx, userpool.GroupInput{
			PoolID: poolID, Name: dg.Name, Description: dg.Description, RoleArn: dg.RoleARN, Precedence: dg.Precedence,
		})
		if err != nil {
			a.fail(path, err)
			return
		}
		a.changed("created group %q in %s", dg.Name, poolID)
		return
	}
	if err != nil {
		a.fail(path, err)
		return
	}
	same := (dg.Description == nil || *dg.Description == cur.Description) &&
		(dg.RoleARN == nil || *dg.RoleARN == cur.RoleArn) &&
		(dg.Precedence == nil || (cur.Precedence != nil && *cur.Precedence == *dg.Precedence))
	if same {
		return
	}
	if _, err := a.svc.UpdateGroup(a.ctx, userpool.GroupInput{
		PoolID: poolID, Name: dg.Name, Description: dg.Description, RoleArn: dg.RoleARN, Precedence: dg.Precedence,
	}); err != nil {
		a.fail(path, err)
		return
	}
	a.changed("updated group %q in %s", dg.Name, poolID)
}

func (a *applier) client(path, poolID string, dc *config.Client) {
	var cur *userpool.Client
	if dc.ID != "" {
		c, err := a.svc.GetClient(a.ctx, poolID, dc.ID)
		switch {
		case err == nil:
			cur = c
		case isNotFound(err):
			if other, oerr := a.svc.GetClientByID(a.ctx, dc.ID); oerr == nil {
				a.problems = append(a.problems, fmt.Sprintf("%s.id: client %s belongs to pool %s", path, dc.ID, other.PoolID))
				return
			}
		default:
			a.fail(path, err)
			return
		}
	} else {
		var matches []*userpool.Client
		token := ""
		for {
			cs, next, err := a.svc.ListClients(a.ctx, poolID, store.MaxPageSize, token)
			if err != nil {
				a.fail(path, err)
				return
			}
			for _, c := range cs {
				if c.Name == dc.Name {
					matches = append(matches, c)
				}
			}
			if next == "" {
				break
			}
			token = next
		}
		if len(matches) > 1 {
			a.problems = append(a.problems, fmt.Sprintf("%s.name: %d clients of pool %s are named %q; give the client's id to say which one is meant", path, len(matches), poolID, dc.Name))
			return
		}
		if len(matches) == 1 {
			cur = matches[0]
		}
	}

	if cur == nil {
		var in userpool.ClientInput
		clientChange(dc)(&in)
		if dc.ExplicitAuthFlows == nil {
			in.ExplicitAuthFlows = nil
		}
		in.GenerateSecret = dc.GenerateSecret
		var c *userpool.Client
		var err error
		if dc.ID != "" {
			c, err = a.svc.CreateClientWithID(a.ctx, poolID, dc.ID, in)
		} else {
			c, err = a.svc.CreateClient(a.ctx, poolID, in)
		}
		if err != nil {
			a.fail(path, err)
			return
		}
		a.changed("created app client %q (%s) in %s", c.Name, c.ID, poolID)
		a.rep.Declared = append(a.rep.Declared, Declared{Kind: "app client", Name: c.Name, ID: c.ID, PoolID: poolID})
		return
	}
	a.rep.Declared = append(a.rep.Declared, Declared{Kind: "app client", Name: dc.Name, ID: cur.ID, PoolID: poolID})
	if dc.GenerateSecret != cur.HasSecret() {
		a.problems = append(a.problems, fmt.Sprintf("%s.generate_secret: client %s %s a secret; it cannot change after the client was created; change the configuration or delete the client",
			path, cur.ID, map[bool]string{true: "has", false: "has no"}[cur.HasSecret()]))
	}
	wrote, err := a.svc.DeclareClient(a.ctx, poolID, cur.ID, clientChange(dc))
	if err != nil {
		a.fail(path, err)
		return
	}
	if wrote {
		a.changed("updated app client %q (%s) in %s", dc.Name, cur.ID, poolID)
	}
}

// grants turns declared grants (of a principal or a role) into stored ones:
// a pool is "*", a declared pool, or the id of a pool that exists. ok is
// false when a problem was recorded.
func (a *applier) grants(path string, declared []config.Grant, cfg *config.Config) (grants []store.Grant, ok bool) {
	for k, g := range declared {
		if g.Pool == "*" {
			continue
		}
		if _, isDeclared := cfg.PoolByRef(g.Pool); isDeclared {
			continue
		}
		// An undeclared pool id: it must exist.
		if _, err := a.svc.GetPool(a.ctx, g.Pool); err != nil {
			if isNotFound(err) {
				a.problems = append(a.problems, fmt.Sprintf("%s.grants[%d].pool: pool %s does not exist", path, k, g.Pool))
			} else {
				a.fail(path, err)
			}
			return nil, false
		}
	}
	grants = make([]store.Grant, len(declared))
	for k, g := range declared {
		grants[k] = store.Grant{Pool: g.Pool, Actions: slices.Clone(g.Actions)}
	}
	return grants, true
}

func (a *applier) principal(path string, dp *config.Principal, cfg *config.Config, now time.Time) {
	grants, ok := a.grants(path, dp.Grants, cfg)
	if !ok {
		return
	}
	cur, err := a.iam.GetPrincipal(a.ctx, dp.Name)
	switch {
	case err == nil:
		if grantsEqual(cur.Grants, grants) {
			a.noteKeyless(dp.Name)
			return
		}
		cur.Grants, cur.UpdatedAt = grants, now.UTC()
		if err := a.iam.PutPrincipal(a.ctx, cur); err != nil {
			a.fail(path, err)
			return
		}
		a.changed("replaced the grants of principal %q", dp.Name)
	case errors.Is(err, store.ErrNotFound):
		p := store.Principal{Name: dp.Name, Grants: grants, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := a.iam.PutPrincipal(a.ctx, p); err != nil {
			a.fail(path, err)
			return
		}
		a.changed("created principal %q", dp.Name)
	default:
		a.fail(path, err)
		return
	}
	a.noteKeyless(dp.Name)
}

func (a *applier) noteKeyless(name string) {
	keys, err := a.iam.ListAccessKeys(a.ctx, name)
	if err == nil && len(keys) == 0 {
		a.rep.Keyless = append(a.rep.Keyless, name)
	}
}

func grantsEqual(a, b []store.Grant) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Pool != b[i].Pool || !slices.Equal(a[i].Actions, b[i].Actions) {
			return false
		}
	}
	return true
}
