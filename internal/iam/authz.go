package iam

import (
	"fmt"
	"strings"

	"userpool/internal/store"
)

// PoolRef names the pool an operation targets. For account-scoped operations
// (CreateUserPool, ListUserPools) it is the zero value.
type PoolRef struct {
	ID   string
	Name string
}

// Policy is a principal's grants with every action expanded once, ready for
// per-request checks that build no strings.
type Policy struct {
	grants []compiledGrant
}

type compiledGrant struct {
	pool string // "*", a pool id or a pool name; never ""
	all  bool   // cognito-idp:*
	ops  map[string]struct{}
}

// Compile expands a principal's grants. It fails on the first unknown action
// or an empty pool, so configuration errors surface at load time.
func Compile(p store.Principal) (*Policy, error) {
	pol := &Policy{grants: make([]compiledGrant, 0, len(p.Grants))}
	for i, g := range p.Grants {
		if g.Pool == "" {
			return nil, fmt.Errorf("iam: principal %q grant %d: pool must be a pool id, a pool name or \"*\"", p.Name, i)
		}
		if err := ValidateActions(g.Actions); err != nil {
			return nil, fmt.Errorf("iam: principal %q grant %d: %w", p.Name, i, err)
		}
		pol.grants = append(pol.grants, compileGrant(g))
	}
	return pol, nil
}

// compileGrant expands the valid actions of g and ignores invalid ones (they
// allow nothing).
func compileGrant(g store.Grant) compiledGrant {
	cg := compiledGrant{pool: g.Pool, ops: map[string]struct{}{}}
	for _, a := range g.Actions {
		if strings.EqualFold(a, ActionAll) {
			cg.all = true
			continue
		}
		ops, err := expandOps(a)
		if err != nil {
			continue
		}
		for _, op := range ops {
			cg.ops[op] = struct{}{}
		}
	}
	return cg
}

// Allows reports whether the policy allows operation (a bare operation name
// such as "AdminGetUser", or "cognito-idp:AdminGetUser") on pool. A grant
// matches a pool when its Pool is "*", the pool id or the pool name (names
// are not unique in Cognito: a grant by name covers every pool of that name).
// Account-scoped operations (CreateUserPool, ListUserPools) match only grants
// on "*". Unsigned and unknown operations are never allowed.
func (pol *Policy) Allows(operation string, pool PoolRef) bool {
	if pol == nil {
		return false
	}
	op := strings.TrimPrefix(operation, ActionPrefix)
	if !IsSignedOperation(op) {
		return false
	}
	account := accountScoped[op]
	for i := range pol.grants {
		g := &pol.grants[i]
		if g.pool != "*" {
			if account || !(g.pool == pool.ID && pool.ID != "" || g.pool == pool.Name && pool.Name != "") {
				continue
			}
		}
		if g.all {
			return true
		}
		if _, ok := g.ops[op]; ok {
			return true
		}
	}
	return false
}

// Allowed is Compile + Allows for one check. Invalid actions in p's grants
// allow nothing (fail closed) instead of failing the check; use Compile to
// detect them.
func Allowed(p store.Principal, operation string, pool PoolRef) bool {
	return compileLenient(p).Allows(operation, pool)
}

// compileLenient compiles without failing: grants without a pool and
// invalid actions allow nothing.
func compileLenient(p store.Principal) *Policy {
	pol := &Policy{grants: make([]compiledGrant, 0, len(p.Grants))}
	for _, g := range p.Grants {
		if g.Pool != "" {
			pol.grants = append(pol.grants, compileGrant(g))
		}
	}
	return pol
}

// DeniedError is an authorization failure, answered as AccessDeniedException
// with Message.
type DeniedError struct {
	PrincipalARN string
	Action       string // cognito-idp:<Operation>
	Resource     string // pool ARN or "*"
	Message      string
}

func (e *DeniedError) Error() string { return "AccessDeniedException: " + e.Message }

// Authorize checks one call of operation on pool by the credential's
// principal and returns nil or a *DeniedError carrying AWS's message. account
// is the ARN account id ("" for DefaultAccount); region is used for the pool
// ARN when the pool id carries none.
func (c *Credential) Authorize(account, region, operation string, pool PoolRef) error {
	if c != nil && c.Policy.Allows(operation, pool) {
		return nil
	}
	name := ""
	if c != nil {
		name = c.Principal.Name
	}
	op := strings.TrimPrefix(operation, ActionPrefix)
	arn := PrincipalARN(account, name)
	if c != nil && c.Session != nil {
		arn = AssumedRoleARN(account, c.Session.Role, SessionName)
	}
	res := ResourceARN(region, account, op, pool.ID)
	return &DeniedError{PrincipalARN: arn, Action: ActionPrefix + op, Resource: res, Message: AccessDeniedMessage(arn, op, res)}
}
