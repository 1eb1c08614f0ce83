package main

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPostFormOverTLS sends the token-endpoint form to the ceiling over
// HTTPS, trusting only the server's certificate read from a PEM file (as
// --ca-cert does), and checks the answer's member test.
func TestPostFormOverTLS(t *testing.T) {
	srv := httptest.NewTLSServer(CeilingHandler())
	defer srv.Close()
	pemFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	roots, err := certPool(pemFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	body := []byte("grant_type=client_credentials")
	for _, noKeepAlive := range []bool{false, true} {
		c := grantClient(roots, 2, noKeepAlive)
		if err := postForm(ctx, c, srv.URL+"/d/oauth2/token", "Basic eDp5", body, "access_token"); err != nil {
			t.Errorf("keep-alive=%v: %v", !noKeepAlive, err)
		}
		if err := postForm(ctx, c, srv.URL+"/d/oauth2/token", "", body, "id_token"); err == nil {
			t.Error("an answer without id_token passed the id_token check")
		}
	}
	// Not trusted: the system roots do not know the test certificate.
	if err := postForm(ctx, grantClient(nil, 1, false), srv.URL+"/d/oauth2/token", "", body, "access_token"); err == nil {
		t.Error("an untrusted certificate was accepted")
	}
	if _, err := certPool(filepath.Join(t.TempDir(), "missing.crt")); err == nil {
		t.Error("certPool of a missing file succeeded")
	}
}

// TestPhaseDoneStopsWorkers checks that errPhaseDone ends a worker's loop
// without counting an error (the minted codes ran out): a worker that kept
// looping would count its further attempts.
func TestPhaseDoneStopsWorkers(t *testing.T) {
	left := make(chan struct{}, 50)
	for range 50 {
		left <- struct{}{}
	}
	res := Run(context.Background(), RunSpec{Name: "codes", Concurrency: 4, Duration: 10 * time.Second, Fn: func(ctx context.Context, w *Worker) error {
		select {
		case <-left:
			return nil
		default:
			return errPhaseDone
		}
	}})
	if res.Ops != 50 || res.Errors != 0 {
		t.Errorf("ops %d errors %d, want 50 and 0", res.Ops, res.Errors)
	}
}
