package storemetrics

import (
	"context"
	"errors"
	"testing"
	"time"

	"userpool/internal/store"
)

// fakeStore implements store.Store through the embedded nil interface;
// only the methods the test calls are defined.
type fakeStore struct {
	store.Store
	pinged bool
}

func (f *fakeStore) GetUser(_ context.Context, poolID, key string) (store.User, error) {
	if key == "missing" {
		return store.User{}, store.ErrNotFound
	}
	return store.User{PoolID: poolID, UsernameKey: key}, nil
}

func (f *fakeStore) Ping(context.Context) error { f.pinged = true; return nil }

type obs struct{ calls []string }

func (o *obs) ObserveStore(method string, err error, _ time.Duration) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	o.calls = append(o.calls, method+"/"+outcome)
}

func TestTimedAndPassedThrough(t *testing.T) {
	f := &fakeStore{}
	o := &obs{}
	st := Wrap(f, o)
	u, err := st.GetUser(context.Background(), "p", "alice")
	if err != nil || u.UsernameKey != "alice" {
		t.Fatalf("GetUser = %+v, %v", u, err)
	}
	if _, err := st.GetUser(context.Background(), "p", "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the error changed on the way: %v", err)
	}
	if err := st.Ping(context.Background()); err != nil || !f.pinged {
		t.Fatal("an untimed method did not pass through")
	}
	if len(o.calls) != 2 || o.calls[0] != "GetUser/ok" || o.calls[1] != "GetUser/error" {
		t.Fatalf("observed %v", o.calls)
	}
	if Wrap(f, nil) != store.Store(f) {
		t.Fatal("Wrap with no observer is not the store itself")
	}
}
