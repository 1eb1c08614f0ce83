package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunAgainstCeiling runs the tool for about a second against the
// in-process ceiling server with SigV4 signing and checks the report.
func TestRunAgainstCeiling(t *testing.T) {
	var signed, unsigned int
	var badTarget bool
	inner := CeilingHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if !strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix) {
				badTarget = true
			}
			if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIATEST/") {
				signed++
			} else {
				unsigned++
			}
		}
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	code := realMain([]string{"run", "--target", "ceiling", "--endpoint", srv.URL, "--access-key", "AKIATEST", "--secret-key", "secret",
		"--ops", "AdminGetUser,GetUser", "--concurrency", "4", "--duration", "400ms", "--warmup", "50ms", "--json", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	rep, err := loadReport(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Ops) != 2 {
		t.Fatalf("ops = %+v", rep.Ops)
	}
	for _, o := range rep.Ops {
		if o.Ops == 0 || o.Errors != 0 || o.Throughput <= 0 || o.P50MS <= 0 || o.P99MS < o.P50MS {
			t.Errorf("%s: implausible result %+v", o.Name, o)
		}
	}
	if signed == 0 || unsigned == 0 || badTarget {
		t.Errorf("signed=%d unsigned=%d badTarget=%v: AdminGetUser must be signed, GetUser not", signed, unsigned, badTarget)
	}
	if !strings.Contains(stdout.String(), "AdminGetUser") {
		t.Errorf("table missing: %s", stdout.String())
	}
	var md bytes.Buffer
	if err := cmdMarkdown([]string{out}, &md); err != nil || !strings.Contains(md.String(), "| AdminGetUser |") {
		t.Errorf("markdown: %v\n%s", err, md.String())
	}
	png := filepath.Join(t.TempDir(), "p.png")
	if err := cmdPlot([]string{"-o", png, out}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("plot did not write a PNG: %v", err)
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, ep := range []string{"http://10.0.0.1:9229", "http://example.com", "http://192.168.1.2"} {
		if _, err := NewClient(ep, "us-east-1", "", "", 1); err == nil {
			t.Errorf("%s accepted", ep)
		}
	}
	for _, ep := range []string{"http://127.0.0.1:1", "http://localhost:2", "http://[::1]:3"} {
		if _, err := NewClient(ep, "us-east-1", "", "", 1); err != nil {
			t.Errorf("%s refused: %v", ep, err)
		}
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.cognito#UserNotFoundException","message":"User does not exist."}`))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, "us-east-1", "", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Call(context.Background(), "AdminGetUser", map[string]string{}, nil, true)
	if errType(err) != "UserNotFoundException" {
		t.Fatalf("errType = %q (%v)", errType(err), err)
	}
}

// TestSRPVector checks the client maths against the reference test vector
// (cognito-api.md §5.6).
func TestSRPVector(t *testing.T) {
	if got := srpK.Text(16); got != "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6" {
		t.Fatalf("k = %s", got)
	}
	a, _ := new(big.Int).SetString("6162636465666768696a6b6c6d6e6f707172737475767778797a303132333435", 16)
	b, _ := new(big.Int).SetString("4142434445464748494a4b4c4d4e4f505152535455565758595a303132333435", 16)
	e, err := newEphemeral(nil, a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.aHex, "22107ccf796c500c00e87ec9dec44d5c") {
		t.Fatalf("A = %s…", e.aHex[:32])
	}
	// Server side of the vector: v = g^x, B = k·v + g^b.
	c := &SRPClient{poolName: "TestPool", eph: []srpEphemeral{e}, kgx: map[string]*big.Int{}, xs: map[string]*big.Int{}}
	salt, _ := new(big.Int).SetString("8ce8291892390f6b53a245933faf6164", 16)
	x := new(big.Int).SetBytes(hashBytes(srpPad(salt), hashBytes([]byte("TestPool"), []byte("alice"), []byte(":"), []byte("Passw0rd!"))))
	if x.Text(16) != "51f3e38cb3b6d7959d8a6b08c6b77e97a59a72268ef996f409cc6ea135175e35" {
		t.Fatalf("x = %s", x.Text(16))
	}
	v := new(big.Int).Exp(srpG, x, srpN)
	B := new(big.Int).Mul(srpK, v)
	B.Add(B, new(big.Int).Exp(srpG, b, srpN)).Mod(B, srpN)
	if !strings.HasPrefix(B.Text(16), "3711cd11f829e3f0bda4cd0ea60091cf") {
		t.Fatalf("B = %s…", B.Text(16)[:32])
	}
	ts := time.Date(2026, 11, 22, 3, 5, 6, 0, time.UTC)
	resp, err := c.Verify(0, map[string]string{
		"SALT": "8ce8291892390f6b53a245933faf6164", "SRP_B": B.Text(16), "SECRET_BLOCK": "c2VjcmV0LWJsb2NrLWJ5dGVz",
		"USER_ID_FOR_SRP": "alice", "USERNAME": "alice",
	}, "Passw0rd!", ts)
	if err != nil {
		t.Fatal(err)
	}
	if resp["TIMESTAMP"] != "Sun Nov 22 03:05:06 UTC 2026" {
		t.Errorf("TIMESTAMP = %q", resp["TIMESTAMP"])
	}
	if resp["PASSWORD_CLAIM_SIGNATURE"] != "KTfjtKk7Rq2Ns7MNJbm9Tl0PPoZyAd19w8RHhzbNXIk=" {
		t.Errorf("signature = %s", resp["PASSWORD_CLAIM_SIGNATURE"])
	}
	if resp["USERNAME"] != "alice" || resp["PASSWORD_CLAIM_SECRET_BLOCK"] != "c2VjcmV0LWJsb2NrLWJ5dGVz" {
		t.Errorf("responses = %v", resp)
	}
	// Timestamp: day not zero-padded, 24-hour clock.
	if got := srpTimestamp(time.Date(2024, 3, 6, 15, 4, 5, 0, time.FixedZone("X", 3600))); got != "Wed Mar 6 14:04:05 UTC 2024" {
		t.Errorf("timestamp = %q", got)
	}
}

func TestHistQuantiles(t *testing.T) {
	var h Hist
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	cases := []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}}
	for _, c := range cases {
		got := h.Quantile(c.q)
		if d := got - c.want; d < -c.want/100 || d > c.want/100 {
			t.Errorf("q%.2f = %v, want %v ±1%%", c.q, got, c.want)
		}
	}
	var small Hist
	small.Record(100)
	if small.Quantile(0.5) != 100 {
		t.Errorf("exact small value: %v", small.Quantile(0.5))
	}
	var m Hist
	m.Merge(&h)
	m.Merge(&small)
	if m.Count() != 1001 || m.Max() != time.Millisecond {
		t.Errorf("merge: count %d max %v", m.Count(), m.Max())
	}
}

func TestReadCredentials(t *testing.T) {
	p := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(p, []byte("[default]\naws_access_key_id = X\naws_secret_access_key = Y\n\n[userpool]\naws_access_key_id = AKIAUP\naws_secret_access_key = s3cr3t\n"), 0o600)
	ak, sk, err := readCredentials(p, "userpool")
	if err != nil || ak != "AKIAUP" || sk != "s3cr3t" {
		t.Fatalf("%q %q %v", ak, sk, err)
	}
	if _, _, err := readCredentials(p, "missing"); err == nil {
		t.Fatal("missing profile accepted")
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := Report{Target: "userpool", Users: 10, Ops: []OpResult{{Name: "AdminGetUser", Throughput: 1}}}
	b, _ := json.Marshal(r)
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || back.Ops[0].Name != "AdminGetUser" {
		t.Fatalf("%v %+v", err, back)
	}
}
