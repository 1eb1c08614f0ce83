package userpool

import (
	"context"
	"testing"
)

// An access token stops working when its app client is deleted; tokens of
// the pool's other clients are not affected.
func TestAccessTokenOfDeletedClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newLCEnv(t)
	p := e.pool(t, "us-east-1_delclient", PoolSettings{CaseSensitive: true})
	gone := e.client(t, p.ID, ClientInput{Name: "gone"})
	kept := e.client(t, p.ID, ClientInput{Name: "kept"})
	u := e.confirmedUser(t, p.ID, "dora")
	atGone, atKept := e.accessToken(t, gone, u), e.accessToken(t, kept, u)

	for _, at := range []string{atGone, atKept} {
		if _, err := e.svc.GetUser(ctx, at); err != nil {
			t.Fatalf("before the delete: %v", err)
		}
	}
	if err := e.svc.DeleteClient(ctx, p.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.AuthenticateAccessToken(ctx, atGone)
	utWantErr(t, err, KindNotAuthorized, "Invalid Access Token")
	_, err = e.svc.GetUser(ctx, atGone)
	utWantErr(t, err, KindNotAuthorized, "Invalid Access Token")
	utWantErr(t, e.svc.GlobalSignOut(ctx, atGone), KindNotAuthorized, "Invalid Access Token")
	if ac, err := e.svc.AuthenticateAccessToken(ctx, atKept); err != nil || ac.Claims.ClientID != kept.ID {
		t.Fatalf("other client's token: %+v %v", ac, err)
	}
}
