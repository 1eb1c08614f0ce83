package declare

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"userpool/internal/config"
	"userpool/internal/userpool"
)

// SeedReport says what Seed did.
type SeedReport struct {
	// Changes are human-readable lines ("seed: created user alice in app").
	Changes []string
	// Created, Updated and Unchanged count the users.
	Created, Updated, Unchanged int
}

// Seed creates the fixture users of s, or brings existing ones to the state
// given, through userpool.Service.SeedUser (idempotent: a second run
// changes nothing). A user's pool is a pool id, or a pool name: the
// declared pools first (poolIDs, from Apply's Report; may be nil), then the
// pools in the store, whose name must then be unique. Every problem is
// returned in a config.Problems with its path (prefix, e.g. "seed." or "");
// the other users are still seeded.
func Seed(ctx context.Context, svc *userpool.Service, s config.Seed, poolIDs map[string]string, prefix string) (SeedReport, error) {
	a := &applier{ctx: ctx, svc: svc}
	var rep SeedReport
	for i, u := range s.Users {
		path := fmt.Sprintf("%susers[%d]", prefix, i)
		poolID, err := a.seedPool(u.Pool, poolIDs)
		if err != nil {
			a.fail(path+".pool", err)
			continue
		}
		in := userpool.SeedUserInput{
			PoolID: poolID, Username: u.Username, Password: u.Password, Temporary: u.Temporary,
			Status: u.Status, Enabled: u.Enabled, Groups: u.Groups,
		}
		names := make([]string, 0, len(u.Attributes))
		for name := range u.Attributes {
			names = append(names, name)
		}
		sort.Strings(names) // a stable order: the same calls on every run
		for _, name := range names {
			in.Attributes = append(in.Attributes, userpool.Attribute{Name: name, Value: u.Attributes[name]})
		}
		res, err := svc.SeedUser(ctx, in)
		if err != nil {
			a.fail(path, err)
			continue
		}
		switch {
		case res.Created:
			rep.Created++
			rep.Changes = append(rep.Changes, fmt.Sprintf("seed: created user %s in %s", u.Username, u.Pool))
		case len(res.Changed) > 0:
			rep.Updated++
			rep.Changes = append(rep.Changes, fmt.Sprintf("seed: updated user %s in %s (%s)", u.Username, u.Pool, strings.Join(res.Changed, ", ")))
		default:
			rep.Unchanged++
		}
	}
	if len(a.problems) > 0 {
		return rep, a.problems
	}
	return rep, nil
}

// seedPool resolves a seed user's pool: an existing pool id, a declared
// pool's name, or the name of exactly one pool in the store.
func (a *applier) seedPool(ref string, declared map[string]string) (string, error) {
	if id, ok := declared[ref]; ok {
		return id, nil
	}
	if _, err := a.svc.GetPool(a.ctx, ref); err == nil {
		return ref, nil
	} else if !isNotFound(err) && userpool.KindOf(err) != userpool.KindInvalidParameter {
		return "", err
	}
	pools, err := a.pools()
	if err != nil {
		return "", err
	}
	id := ""
	for _, p := range pools {
		if p.Name != ref {
			continue
		}
		if id != "" {
			return "", fmt.Errorf("more than one pool is named %q: give its id", ref)
		}
		id = p.ID
	}
	if id == "" {
		return "", fmt.Errorf("no pool has the id or name %q", ref)
	}
	return id, nil
}
