package userpool

import (
	"context"
	"sync"
	"testing"
)

type captureSender struct {
	mu   sync.Mutex
	msgs []Message
}

func (c *captureSender) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

func TestAdminCreateUserSendsInvitationUnlessSuppressed(t *testing.T) {
	t.Parallel()
	e := newUTEnv(t, Limits{})
	cs := &captureSender{}
	e.svc.sender = cs
	e.pool(t, "us-east-1_invite001", PoolSettings{CaseSensitive: true})
	ctx := context.Background()

	res, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: "us-east-1_invite001", Username: "bob",
		Attributes: []Attribute{{Name: "email", Value: "bob@example.com"}}, DeliveryMediums: []string{"EMAIL"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.msgs) != 1 {
		t.Fatalf("want one invitation, got %d", len(cs.msgs))
	}
	m := cs.msgs[0]
	if m.Purpose != "invite" || m.Medium != "EMAIL" || m.Destination != "bob@example.com" || m.Code != res.TemporaryPassword || m.Code == "" {
		t.Fatalf("invitation %+v (temporary password %q)", m, res.TemporaryPassword)
	}

	if _, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: "us-east-1_invite001", Username: "carol",
		Attributes: []Attribute{{Name: "email", Value: "carol@example.com"}}, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if len(cs.msgs) != 1 {
		t.Fatalf("SUPPRESS sent a message: %+v", cs.msgs[1:])
	}

	// RESEND re-issues a new temporary password and delivers it.
	res2, err := e.svc.AdminCreateUser(ctx, CreateUserInput{PoolID: "us-east-1_invite001", Username: "bob", MessageAction: "RESEND"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.msgs) != 2 || cs.msgs[1].Code != res2.TemporaryPassword || res2.TemporaryPassword == res.TemporaryPassword {
		t.Fatalf("resend: %+v", cs.msgs)
	}
}
