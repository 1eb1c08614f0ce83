package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"userpool/internal/password"
	"userpool/internal/store"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "populate:", err)
		os.Exit(1)
	}
}

func userName(i int) string { return fmt.Sprintf("user%07d@example.com", i) }

func newSub() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

func run() error {
	data := flag.String("data", "", "userpool data directory (server stopped)")
	poolName := flag.String("pool-name", "", "name of an existing pool")
	from := flag.Int("from", 0, "first user index")
	to := flag.Int("to", 0, "one past the last user index")
	teams := flag.Int("teams", 10, "users join group team-(i % teams) (0: none)")
	conc := flag.Int("concurrency", 4, "goroutines preparing and writing records")
	pw := flag.String("password", "Load-Test-Passw0rd!", "temporary password of the shared credential")
	flag.Parse()
	if *data == "" || *poolName == "" || *to <= *from {
		return errors.New("need --data, --pool-name and --from < --to")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := sqlite.Open(ctx, filepath.Join(*data, "userpool.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	svc := userpool.New(st, userpool.Options{PasswordParams: password.InsecureTestParams})

	var poolID string
	tok := ""
	for i := 0; i < 1000 && poolID == ""; i++ {
		pools, next, err := st.ListPools(ctx, store.Page{Token: tok})
		if err != nil {
			return err
		}
		for _, p := range pools {
			if p.Name == *poolName {
				poolID = p.ID
			}
		}
		if next == "" {
			break
		}
		tok = next
	}
	if poolID == "" {
		return fmt.Errorf("no pool named %q", *poolName)
	}
	p, err := svc.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	cred, err := userpool.NewCredential(p, "bulk", *pw, true, password.InsecureTestParams, rand.Reader, time.Now().UTC().Truncate(time.Millisecond))
	if err != nil {
		return err
	}

	n := *to - *from
	var next, done, existed atomic.Int64
	next.Store(int64(*from))
	start := time.Now()
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= *to {
					return
				}
				name := userName(i)
				sub, err := newSub()
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				attrs := map[string]string{"email": name, "email_verified": "true"}
				now := time.Now().UTC().Truncate(time.Millisecond)
				u := store.User{
					PoolID: p.ID, Username: name, UsernameKey: p.UsernameKey(name), Sub: sub,
					Status: userpool.StatusForceChangePassword, Enabled: true,
					Attributes: attrs, Aliases: p.Aliases(attrs), Password: cred,
					CreatedAt: now, UpdatedAt: now,
				}
				switch err := st.CreateUser(ctx, u); {
				case err == nil:
				case errors.Is(err, store.ErrAlreadyExists):
					existed.Add(1)
				default:
					errOnce.Do(func() { firstErr = fmt.Errorf("user %d: %w", i, err) })
					return
				}
				if *teams > 0 {
					g := "team-" + strconv.Itoa(i%*teams)
					if err := st.AddUserToGroup(ctx, p.ID, u.UsernameKey, g, userpool.DefaultLimits.GroupsPerUser); err != nil {
						errOnce.Do(func() { firstErr = fmt.Errorf("user %d group %s: %w", i, g, err) })
						return
					}
				}
				if d := done.Add(1); d%10000 == 0 {
					el := time.Since(start)
					fmt.Fprintf(os.Stderr, "\rpopulate %d/%d %.0f users/s elapsed %s   ", d, n, float64(d)/el.Seconds(), el.Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "\npopulate: %d users (%d already present) into %s in %s (%.0f users/s)\n",
		done.Load(), existed.Load(), p.ID, el.Round(time.Millisecond), float64(done.Load())/el.Seconds())
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
