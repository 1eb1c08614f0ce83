package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// probeSessions is a session store for ProbeWritable: it keeps what is
// created and fails the step it is told to.
type probeSessions struct {
	created            []Session
	taken              []string
	createErr, takeErr error
}

func (p *probeSessions) CreateSession(_ context.Context, s Session) error {
	if p.createErr != nil {
		return p.createErr
	}
	p.created = append(p.created, s)
	return nil
}

func (p *probeSessions) TakeSession(_ context.Context, id string) (Session, error) {
	if p.takeErr != nil {
		return Session{}, p.takeErr
	}
	p.taken = append(p.taken, id)
	return Session{ID: id}, nil
}

// TestProbeWritable: the probe writes a session expiring a minute out and
// takes that same session; a failing write or delete is reported, wrapped.
func TestProbeWritable(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	ok := &probeSessions{}
	if err := ProbeWritable(context.Background(), ok, now); err != nil {
		t.Fatal(err)
	}
	if len(ok.created) != 1 || len(ok.taken) != 1 || ok.taken[0] != ok.created[0].ID {
		t.Fatalf("created %v, taken %v: want one session written and taken", ok.created, ok.taken)
	}
	s := ok.created[0]
	if !strings.HasPrefix(s.ID, "readyz-") || !s.CreatedAt.Equal(now) || s.CreatedAt.Location() != time.UTC ||
		!s.ExpiresAt.Equal(now.Add(time.Minute)) {
		t.Errorf("probe session %+v", s)
	}
	again := &probeSessions{}
	_ = ProbeWritable(context.Background(), again, now)
	if again.created[0].ID == s.ID {
		t.Error("two probes used the same session id")
	}

	boom := errors.New("read-only")
	for _, tc := range []struct {
		name string
		st   *probeSessions
		want string
	}{
		{"write", &probeSessions{createErr: boom}, "write probe: read-only"},
		{"delete", &probeSessions{takeErr: boom}, "write probe (delete): read-only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ProbeWritable(context.Background(), tc.st, now)
			if !errors.Is(err, boom) || err.Error() != tc.want {
				t.Fatalf("err %v, want %q wrapping the store's error", err, tc.want)
			}
		})
	}
}
