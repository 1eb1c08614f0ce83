package srp

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	mrand "math/rand/v2"
	"testing"
	"time"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"
)

// TestInteropAlexruddClient drives the real Go client
// github.com/alexrudd/cognito-srp/v4 against the server maths, the way
// InitiateAuth and RespondToAuthChallenge will.
func TestInteropAlexruddClient(t *testing.T) {
	t.Parallel()
	r := mrand.New(mrand.NewChaCha8([32]byte{9}))
	const poolID = "eu-west-1_AbCdEf123"
	pool := PoolName(poolID)
	firsts := []int{-1, 0x00, 0x80, 0xff, 0x01, 0x7f}
	n := 36
	if testing.Short() {
		n = 8
	}
	for i := range n {
		user := randomString(r, 1+r.IntN(30))
		pw := randomString(r, 8+r.IntN(30))
		salt := saltWithFirstByte(r, firsts[i%len(firsts)])
		v := Verifier(pool, user, pw, salt)

		client, err := cognitosrp.NewCognitoSRP(user, pw, poolID, "client123", nil)
		if err != nil {
			t.Fatal(err)
		}
		auth := client.GetAuthParams()
		if auth["USERNAME"] != user || auth["SRP_A"] == "" {
			t.Fatalf("GetAuthParams = %v", auth)
		}

		srv, err := NewServer(v, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		block := make([]byte, 1+r.IntN(64))
		rand.Read(block)
		blockB64 := base64.StdEncoding.EncodeToString(block)
		challenge := map[string]string{
			"USERNAME":        user,
			"USER_ID_FOR_SRP": user,
			"SALT":            SaltHex(salt),
			"SRP_B":           srv.BHex(),
			"SECRET_BLOCK":    blockB64,
		}
		// Vary the hour so the client's 12-hour rendering is exercised.
		now := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, time.UTC)
		resp, err := client.PasswordVerifierChallenge(challenge, now)
		if err != nil {
			t.Fatal(err)
		}
		if resp["PASSWORD_CLAIM_SECRET_BLOCK"] != blockB64 || resp["USERNAME"] != user {
			t.Fatalf("challenge response echoes %v", resp)
		}
		if err := ParseTimestamp(resp["TIMESTAMP"], now.Add(2*time.Second), time.Minute); err != nil {
			t.Fatalf("case %d: ParseTimestamp(%q) at %v = %v", i, resp["TIMESTAMP"], now, err)
		}
		err = VerifyClaim(srv, v, auth["SRP_A"], pool, user, block, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
		if err != nil {
			t.Fatalf("case %d (salt %x): VerifyClaim = %v", i, salt, err)
		}

		// The same exchange with the wrong password is refused.
		wrong, _ := cognitosrp.NewCognitoSRP(user, pw+"!", poolID, "client123", nil)
		wresp, _ := wrong.PasswordVerifierChallenge(challenge, now)
		err = VerifyClaim(srv, v, wrong.GetAuthParams()["SRP_A"], pool, user, block, wresp["TIMESTAMP"], wresp["PASSWORD_CLAIM_SIGNATURE"])
		if !errors.Is(err, ErrBadSignature) {
			t.Fatalf("case %d: wrong password gave %v", i, err)
		}
		// A claim from one client does not verify with another client's A.
		err = VerifyClaim(srv, v, wrong.GetAuthParams()["SRP_A"], pool, user, block, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
		if !errors.Is(err, ErrBadSignature) {
			t.Fatalf("case %d: swapped A gave %v", i, err)
		}
	}
}

// TestInteropDeviceSRP runs the device variant: pool name := device group
// key, user id := device key, password := device password.
func TestInteropDeviceSRP(t *testing.T) {
	t.Parallel()
	const groupKey, deviceKey, devicePassword = "-QbxSBFU2", "us-east-1_3f0fa4e2-29ce-4e65-8d3f-3e9d1a8e3a43", "Wt9Rr1b3bpy1b5Xb+9Q6s0ch0pXG5q1c"
	salt := []byte{0x00, 0x9a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}
	v := Verifier(groupKey, deviceKey, devicePassword, salt)
	// The client library takes a pool id and keeps the part after the first
	// "_", so "x_<group key>" makes its pool name the device group key.
	client, err := cognitosrp.NewCognitoSRP(deviceKey, devicePassword, "x_"+groupKey, "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(v, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block := []byte("device-block")
	now := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	resp, err := client.PasswordVerifierChallenge(map[string]string{
		"USERNAME": "alice", "USER_ID_FOR_SRP": deviceKey, "SALT": SaltHex(salt), "SRP_B": srv.BHex(),
		"SECRET_BLOCK": base64.StdEncoding.EncodeToString(block),
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyClaim(srv, v, client.GetAuthParams()["SRP_A"], groupKey, deviceKey, block, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		t.Fatalf("device VerifyClaim = %v", err)
	}
}
