package userpool

import (
	"context"
	"testing"
)

type mediumRecorder struct{ got []string }

func (r *mediumRecorder) Send(_ context.Context, m Message) error {
	r.got = append(r.got, "email:"+m.Destination)
	return nil
}

func (r *mediumRecorder) SendSMS(_ context.Context, m Message) error {
	r.got = append(r.got, "sms:"+m.Destination)
	return nil
}

func TestByMediumRoutesSMS(t *testing.T) {
	r := &mediumRecorder{}
	b := ByMedium{Email: r, SMS: r}
	for _, m := range []Message{
		{Medium: "EMAIL", Destination: "a@example.com"},
		{Medium: "SMS", Destination: "+15555550100"},
	} {
		if err := b.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"email:a@example.com", "sms:+15555550100"}
	if len(r.got) != 2 || r.got[0] != want[0] || r.got[1] != want[1] {
		t.Fatalf("routed %v, want %v", r.got, want)
	}
}
