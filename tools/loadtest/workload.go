package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The populated pool: users user0000000@example.com … with an email
// attribute; every user is in one of teamGroups "team-N" groups; the first
// walkSize users are also in "walk-<walkSize>" (the ListUsersInGroup walk);
// user 0 is in "Admins" (Admin Queries caller); the first authUsers get a
// permanent password (sign-in operations). scratchGroups "scratch-N" take the
// add/remove membership load.
const (
	teamGroups    = 10
	scratchGroups = 10
	clientName    = "loadtest"
)

func userName(i int) string { return fmt.Sprintf("user%07d@example.com", i) }

// Pool is what the workload needs to know about the pool under test.
type Pool struct {
	ID        string
	ClientID  string
	Existing  int64 // EstimatedNumberOfUsers when found
	WalkGroup string
}

type attr struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// findOrCreatePool looks the pool up by name (it may come from the server's
// configuration) and creates it, its app client and groups when missing.
func findOrCreatePool(ctx context.Context, c *Client, name string, walkSize int) (*Pool, error) {
	p := &Pool{WalkGroup: "walk-" + strconv.Itoa(walkSize)}
	token := ""
	for page := 0; page < 1000; page++ {
		in := map[string]any{"MaxResults": 60}
		if token != "" {
			in["NextToken"] = token
		}
		var out struct {
			UserPools []struct{ Id, Name string }
			NextToken string
		}
		if err := c.Call(ctx, "ListUserPools", in, &out, true); err != nil {
			return nil, fmt.Errorf("ListUserPools: %w", err)
		}
		for _, up := range out.UserPools {
			if up.Name == name {
				p.ID = up.Id
			}
		}
		if p.ID != "" || out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	if p.ID == "" {
		var out struct{ UserPool struct{ Id string } }
		in := map[string]any{"PoolName": name}
		if err := c.Call(ctx, "CreateUserPool", in, &out, true); err != nil {
			return nil, fmt.Errorf("CreateUserPool: %w", err)
		}
		p.ID = out.UserPool.Id
	} else {
		var out struct {
			UserPool struct{ EstimatedNumberOfUsers int64 }
		}
		if err := c.Call(ctx, "DescribeUserPool", map[string]any{"UserPoolId": p.ID}, &out, true); err == nil {
			p.Existing = out.UserPool.EstimatedNumberOfUsers
		}
		var cl struct {
			UserPoolClients []struct{ ClientId, ClientName string }
		}
		if err := c.Call(ctx, "ListUserPoolClients", map[string]any{"UserPoolId": p.ID, "MaxResults": 60}, &cl, true); err == nil {
			for _, x := range cl.UserPoolClients {
				if x.ClientName == clientName {
					p.ClientID = x.ClientId
				}
			}
		}
	}
	if p.ClientID == "" {
		var out struct{ UserPoolClient struct{ ClientId string } }
		in := map[string]any{
			"UserPoolId": p.ID, "ClientName": clientName, "GenerateSecret": false,
			"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		}
		if err := c.Call(ctx, "CreateUserPoolClient", in, &out, true); err != nil {
			return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
		}
		p.ClientID = out.UserPoolClient.ClientId
	}
	groups := []string{"Admins", p.WalkGroup}
	for i := 0; i < teamGroups; i++ {
		groups = append(groups, "team-"+strconv.Itoa(i))
	}
	for i := 0; i < scratchGroups; i++ {
		groups = append(groups, "scratch-"+strconv.Itoa(i))
	}
	for _, g := range groups {
		err := c.Call(ctx, "CreateGroup", map[string]any{"UserPoolId": p.ID, "GroupName": g}, nil, true)
		if err != nil && !isType(err, "GroupExistsException") {
			return nil, fmt.Errorf("CreateGroup %s: %w", g, err)
		}
	}
	return p, nil
}

func isType(err error, t string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Type == t
}

// PopulateResult reports the bulk load.
type PopulateResult struct {
	Users       int              `json:"users"`
	Created     int64            `json:"created"`
	Existing    int64            `json:"already_present"`
	Seconds     float64          `json:"seconds"`
	UsersPerS   float64          `json:"users_per_s"`
	Requests    int64            `json:"requests"`
	Errors      int64            `json:"errors"`
	ErrorTypes  map[string]int64 `json:"error_types,omitempty"`
	Concurrency int              `json:"concurrency"`
	Skipped     bool             `json:"skipped,omitempty"`
	// Incomplete: the time limit or the error limit stopped the load.
	Incomplete bool `json:"incomplete,omitempty"`
}

// populate creates users [0, n) concurrently with their memberships, and
// gives the first authUsers a permanent password. Existing users are kept
// (UsernameExistsException counts as done), so an interrupted load resumes.
func populate(ctx context.Context, c *Client, p *Pool, n, authUsers, walkSize, conc int, password string, timeout time.Duration) PopulateResult {
	res := PopulateResult{Users: n, Concurrency: conc, ErrorTypes: map[string]int64{}}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var next, done, created, existing, reqs, errs atomic.Int64
	var mu sync.Mutex
	fail := func(err error) {
		errs.Add(1)
		mu.Lock()
		res.ErrorTypes[errType(err)]++
		mu.Unlock()
	}
	start := time.Now()
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	pwg.Add(1)
	go func() {
		defer pwg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				progress(os.Stderr, "populate", done.Load(), int64(n), errs.Load(), start, true)
				return
			case <-t.C:
				progress(os.Stderr, "populate", done.Load(), int64(n), errs.Load(), start, false)
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs.Load() > int64(n)/10+1000 {
					return // the target has fallen over; stop hammering it
				}
				u := userName(i)
				in := map[string]any{
					"UserPoolId": p.ID, "Username": u, "MessageAction": "SUPPRESS",
					"TemporaryPassword": password,
					"UserAttributes":    []attr{{"email", u}, {"email_verified", "true"}},
				}
				reqs.Add(1)
				err := c.Call(ctx, "AdminCreateUser", in, nil, true)
				switch {
				case err == nil:
					created.Add(1)
				case isType(err, "UsernameExistsException"):
					existing.Add(1)
				default:
					fail(err)
					done.Add(1)
					continue
				}
				groups := []string{"team-" + strconv.Itoa(i%teamGroups)}
				if i < walkSize {
					groups = append(groups, p.WalkGroup)
				}
				if i == 0 {
					groups = append(groups, "Admins")
				}
				for _, g := range groups {
					reqs.Add(1)
					if err := c.Call(ctx, "AdminAddUserToGroup", map[string]any{"UserPoolId": p.ID, "Username": u, "GroupName": g}, nil, true); err != nil {
						fail(err)
					}
				}
				if i < authUsers {
					reqs.Add(1)
					if err := c.Call(ctx, "AdminSetUserPassword", map[string]any{"UserPoolId": p.ID, "Username": u, "Password": password, "Permanent": true}, nil, true); err != nil {
						fail(err)
					}
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	pwg.Wait()
	el := time.Since(start)
	res.Created, res.Existing, res.Requests, res.Errors = created.Load(), existing.Load(), reqs.Load(), errs.Load()
	if ctx.Err() != nil || res.Created+res.Existing < int64(n) {
		res.Incomplete = true
	}
	res.Seconds = el.Seconds()
	res.UsersPerS = float64(res.Created+res.Existing) / el.Seconds()
	if len(res.ErrorTypes) == 0 {
		res.ErrorTypes = nil
	}
	return res
}

// progress draws a one-line progress bar on w.
func progress(w *os.File, label string, done, total, errs int64, start time.Time, final bool) {
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	fill := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		if i < fill {
			bar[i] = '='
		} else {
			bar[i] = ' '
		}
	}
	el := time.Since(start)
	rate := float64(done) / el.Seconds()
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	end := ""
	if final {
		end = "\n"
	}
	fmt.Fprintf(w, "\r%s [%s] %d/%d %.0f/s errors %d elapsed %s ETA %s   %s", label, bar, done, total, rate, errs, el.Round(time.Second), eta, end)
}
