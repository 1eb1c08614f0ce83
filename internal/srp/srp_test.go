package srp

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"
)

// refClient is an independent implementation of the client side of §5.3,
// written the way amazon-cognito-identity-js does it: on hex strings with
// padHex, rather than on bytes with pad.
type refClient struct {
	poolName, userID, password string
	a, A                       *big.Int
}

func padHexRef(n *big.Int) string {
	s := n.Text(16)
	if len(s)%2 == 1 {
		s = "0" + s
	} else if strings.ContainsRune("89abcdef", rune(s[0])) {
		s = "00" + s
	}
	return s
}

func hexHashRef(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func newRefClient(poolName, userID, password string, a *big.Int) *refClient {
	return &refClient{poolName, userID, password, a, new(big.Int).Exp(big.NewInt(2), a, bigN)}
}

func (c *refClient) AHex() string { return c.A.Text(16) }

// claim returns the session key and the PASSWORD_CLAIM_SIGNATURE.
func (c *refClient) claim(saltHex, bHex string, secretBlock []byte, timestamp string) (key []byte, sig string) {
	N := mustHex(nHex)
	k := mustHex(hexHashRef("00" + nHex + "02"))
	B := mustHex(bHex)
	salt := mustHex(saltHex)
	u := mustHex(hexHashRef(padHexRef(c.A) + padHexRef(B)))
	inner := sha256.Sum256([]byte(c.poolName + c.userID + ":" + c.password))
	x := mustHex(hexHashRef(padHexRef(salt) + hex.EncodeToString(inner[:])))
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(big.NewInt(2), x, N)))
	base.Mod(base, N)
	exp := new(big.Int).Add(c.a, new(big.Int).Mul(u, x))
	S := new(big.Int).Exp(base, exp, N)
	ikm, _ := hex.DecodeString(padHexRef(S))
	salt2, _ := hex.DecodeString(padHexRef(u))
	ext := hmac.New(sha256.New, salt2)
	ext.Write(ikm)
	prk := ext.Sum(nil)
	exp2 := hmac.New(sha256.New, prk)
	exp2.Write([]byte("Caldera Derived Key\x01"))
	key = exp2.Sum(nil)[:16]
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.poolName + c.userID))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return key, base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestConstants(t *testing.T) {
	t.Parallel()
	if bigN.BitLen() != 3072 || !bigN.ProbablyPrime(20) {
		t.Fatalf("N: %d bits, prime %v", bigN.BitLen(), bigN.ProbablyPrime(20))
	}
	if got := len(pad(bigN)); got != 385 {
		t.Errorf("len(PAD(N)) = %d, want 385", got)
	}
	if got := hex.EncodeToString(bigK.Bytes()); got != "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6" {
		t.Errorf("k = %s", got)
	}
}

func TestPad(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"0", "00"},
		{"1", "01"},
		{"7f", "7f"},
		{"80", "0080"},
		{"ff", "00ff"},
		{"100", "0100"},
		{"7fff", "7fff"},
		{"8000", "008000"},
		{"ff00", "00ff00"},
	}
	for _, tc := range tests {
		if got := hex.EncodeToString(pad(mustHex(tc.in))); got != tc.want {
			t.Errorf("PAD(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// The §5.6 vector of the reference document (computed in Python and with
// amazon-cognito-identity-js@6).
const (
	tvPool      = "TestPool"
	tvUser      = "alice"
	tvPassword  = "Passw0rd!"
	tvSaltHex   = "8ce8291892390f6b53a245933faf6164"
	tvAHex      = "6162636465666768696a6b6c6d6e6f707172737475767778797a303132333435"
	tvBHex      = "4142434445464748494a4b4c4d4e4f505152535455565758595a303132333435"
	tvBlock     = "c2VjcmV0LWJsb2NrLWJ5dGVz"
	tvTimestamp = "Sun Nov 22 03:05:06 UTC 2026"
	tvX         = "51f3e38cb3b6d7959d8a6b08c6b77e97a59a72268ef996f409cc6ea135175e35"
	tvSRPAPfx   = "22107ccf796c500c00e87ec9dec44d5c"
	tvSRPBPfx   = "3711cd11f829e3f0bda4cd0ea60091cf"
	tvU         = "9876e317f617e9ee3a5d89f54703bf39ca4049ee95cbeffe2b08d1101643c0cb"
	tvK         = "d7f721f976ce098b0dd4a068c2068488"
	tvSignature = "KTfjtKk7Rq2Ns7MNJbm9Tl0PPoZyAd19w8RHhzbNXIk="
)

func mustDecode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReferenceVector(t *testing.T) {
	t.Parallel()
	salt, _ := hex.DecodeString(tvSaltHex)
	block := mustDecode(t, tvBlock)
	if PoolName("us-east-1_TestPool") != tvPool {
		t.Fatalf("PoolName = %q", PoolName("us-east-1_TestPool"))
	}
	if got := hex.EncodeToString(x(tvPool, tvUser, tvPassword, salt).Bytes()); got != tvX {
		t.Fatalf("x = %s, want %s", got, tvX)
	}
	if SaltHex(salt) != tvSaltHex {
		t.Fatalf("SaltHex = %s", SaltHex(salt))
	}
	v := Verifier(tvPool, tvUser, tvPassword, salt)
	if len(v) != VerifierLen {
		t.Fatalf("len(verifier) = %d", len(v))
	}

	// Inject b through the randomness source: NewServer reads exactly 32 bytes.
	bBytes, _ := hex.DecodeString(tvBHex)
	srv, err := NewServer(v, bytes.NewReader(bBytes))
	if err != nil {
		t.Fatal(err)
	}
	if hook := newServerWithB(new(big.Int).SetBytes(v), mustHex(tvBHex)); !bytes.Equal(hook.Public, srv.Public) {
		t.Fatal("hook and NewServer disagree on B")
	}
	if !strings.HasPrefix(srv.BHex(), tvSRPBPfx) || len(srv.BHex()) != 768 {
		t.Fatalf("SRP_B = %s…", srv.BHex()[:40])
	}

	c := newRefClient(tvPool, tvUser, tvPassword, mustHex(tvAHex))
	if !strings.HasPrefix(c.AHex(), tvSRPAPfx) || len(c.AHex()) != 768 {
		t.Fatalf("SRP_A = %s…", c.AHex()[:40])
	}
	u := new(big.Int).SetBytes(hashPadded(c.A, mustHex(srv.BHex())))
	if got := hex.EncodeToString(u.Bytes()); got != tvU {
		t.Fatalf("u = %s, want %s", got, tvU)
	}

	// Server-side key.
	key, err := sessionKey(c.A, mustHex(srv.BHex()), mustHex(tvBHex), new(big.Int).SetBytes(v))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(key) != tvK {
		t.Fatalf("server K = %x, want %s", key, tvK)
	}
	if sig := base64.StdEncoding.EncodeToString(claimMAC(key, tvPool, tvUser, block, tvTimestamp)); sig != tvSignature {
		t.Fatalf("server signature = %s, want %s", sig, tvSignature)
	}
	// Client-side key from the independent implementation.
	ckey, csig := c.claim(SaltHex(salt), srv.BHex(), block, tvTimestamp)
	if hex.EncodeToString(ckey) != tvK || csig != tvSignature {
		t.Fatalf("reference client: K = %x, sig = %s", ckey, csig)
	}

	if err := VerifyClaim(srv, v, c.AHex(), tvPool, tvUser, block, tvTimestamp, tvSignature); err != nil {
		t.Fatalf("VerifyClaim(reference vector) = %v", err)
	}
	now := time.Date(2026, 11, 22, 3, 6, 0, 0, time.UTC)
	if err := ParseTimestamp(tvTimestamp, now, 5*time.Minute); err != nil {
		t.Fatalf("ParseTimestamp(reference) = %v", err)
	}
}

// TestSaltPitfall pins that x uses the salt as an integer: with a leading
// 0x00 or a first byte ≥ 0x80 the raw bytes give a different x.
func TestSaltPitfall(t *testing.T) {
	t.Parallel()
	raw := func(salt []byte) *big.Int {
		inner := sha256.Sum256([]byte("Pool" + "bob" + ":" + "Secret1!"))
		h := sha256.New()
		h.Write(salt)
		h.Write(inner[:])
		return new(big.Int).SetBytes(h.Sum(nil))
	}
	for _, salt := range [][]byte{
		{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff},
		{0x80, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff},
	} {
		if x("Pool", "bob", "Secret1!", salt).Cmp(raw(salt)) == 0 {
			t.Errorf("x for salt %x equals the raw-bytes computation", salt)
		}
	}
	ok := []byte{0x7f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	if x("Pool", "bob", "Secret1!", ok).Cmp(raw(ok)) != 0 {
		t.Error("x for a salt with first byte 0x7f differs from the raw bytes")
	}
	if SaltHex([]byte{0, 0, 0x0a, 0xbc}) != "abc" || SaltHex([]byte{0, 0}) != "0" {
		t.Errorf("SaltHex strips leading zeros: got %q, %q", SaltHex([]byte{0, 0, 0x0a, 0xbc}), SaltHex([]byte{0, 0}))
	}
}

// saltWithFirstByte returns a random salt whose first byte is forced.
func saltWithFirstByte(r *mrand.Rand, first int) []byte {
	s := make([]byte, SaltLen)
	for i := range s {
		s[i] = byte(r.UintN(256))
	}
	if first >= 0 {
		s[0] = byte(first)
	}
	return s
}

func randomString(r *mrand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()_+-=:;,. é€😀"
	rs := []rune(alphabet)
	out := make([]rune, n)
	for i := range out {
		out[i] = rs[r.IntN(len(rs))]
	}
	return string(out)
}

func TestPropertyRandomUsers(t *testing.T) {
	t.Parallel()
	r := mrand.New(mrand.NewChaCha8([32]byte{1, 2, 3}))
	firsts := []int{-1, 0x00, 0x01, 0x7f, 0x80, 0xff}
	n := 60
	if testing.Short() {
		n = 12
	}
	for i := range n {
		pool := randomString(r, 1+r.IntN(20))
		user := randomString(r, 1+r.IntN(40))
		pw := randomString(r, 1+r.IntN(64))
		salt := saltWithFirstByte(r, firsts[i%len(firsts)])
		if i%17 == 5 {
			salt[1] = 0 // two leading zero bytes
			salt[0] = 0
		}
		v := Verifier(pool, user, pw, salt)
		srv, err := NewServer(v, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		a := new(big.Int).SetBytes(saltWithFirstByte(r, -1))
		c := newRefClient(pool, user, pw, a)
		block := []byte(randomString(r, r.IntN(50)))
		ts := FormatTimestamp(time.Unix(int64(r.Uint32()), 0))
		_, sig := c.claim(SaltHex(salt), srv.BHex(), block, ts)
		if err := VerifyClaim(srv, v, c.AHex(), pool, user, block, ts, sig); err != nil {
			t.Fatalf("case %d (salt %x): VerifyClaim = %v", i, salt, err)
		}
		// The same client with a different password must fail.
		bad := newRefClient(pool, user, pw+"x", a)
		_, badSig := bad.claim(SaltHex(salt), srv.BHex(), block, ts)
		if err := VerifyClaim(srv, v, bad.AHex(), pool, user, block, ts, badSig); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("case %d: wrong password gave %v", i, err)
		}
	}
}

func TestServerStateRoundTrip(t *testing.T) {
	t.Parallel()
	salt := bytes.Repeat([]byte{0x42}, SaltLen)
	v := Verifier("P", "u", "pw", salt)
	srv, err := NewServer(v, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data, err := srv.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Server
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Secret, srv.Secret) || !bytes.Equal(back.Public, srv.Public) {
		t.Fatal("state changed in a round trip")
	}
	c := newRefClient("P", "u", "pw", big.NewInt(123456789))
	_, sig := c.claim(SaltHex(salt), back.BHex(), []byte("blk"), tvTimestamp)
	if err := VerifyClaim(&back, v, c.AHex(), "P", "u", []byte("blk"), tvTimestamp, sig); err != nil {
		t.Fatalf("VerifyClaim after round trip = %v", err)
	}

	bad := [][]byte{
		nil,
		{2},
		data[:len(data)-1],
		append(append([]byte{}, data...), 0),
		{1, 0, 0, 0, 1, 5}, // b empty
		{1, 0, 1, 5, 0, 0}, // B empty
		append([]byte{1, 0, 1, 5, 1, 0x81}, pad(bigN)[1:]...), // B = N
	}
	for i, d := range bad {
		var s Server
		if err := s.UnmarshalBinary(d); !errors.Is(err, ErrInvalidState) {
			t.Errorf("case %d: UnmarshalBinary = %v, want ErrInvalidState", i, err)
		}
	}
}

func TestNewServerErrors(t *testing.T) {
	t.Parallel()
	v := Verifier("P", "u", "pw", []byte{1, 2, 3})
	if _, err := NewServer(v, bytes.NewReader(make([]byte, 10))); err == nil {
		t.Error("NewServer with short randomness succeeded")
	}
	// b = 0 is retried: 32 zero bytes, then a usable b.
	src := append(make([]byte, 32), bytes.Repeat([]byte{7}, 32)...)
	srv, err := NewServer(v, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(srv.Secret, bytes.Repeat([]byte{7}, 32)) {
		t.Errorf("b = %x, want the second draw", srv.Secret)
	}
	if _, err := NewServer(make([]byte, VerifierLen), rand.Reader); !errors.Is(err, ErrInvalidVerifier) {
		t.Errorf("NewServer(zero verifier) = %v", err)
	}
	if _, err := NewServer(pad(bigN), rand.Reader); !errors.Is(err, ErrInvalidVerifier) {
		t.Errorf("NewServer(N) = %v", err)
	}
}

// fixture is one valid handshake for the negative tests and the benchmark.
type fixture struct {
	srv      *Server
	v        []byte
	aHex     string
	block    []byte
	ts       string
	sig      string
	pool     string
	userID   string
	bSecret  []byte
	saltHex  string
	password string
}

func newFixture(t testing.TB) fixture {
	salt, _ := hex.DecodeString(tvSaltHex)
	v := Verifier(tvPool, tvUser, tvPassword, salt)
	bBytes, _ := hex.DecodeString(tvBHex)
	srv, err := NewServer(v, bytes.NewReader(bBytes))
	if err != nil {
		t.Fatal(err)
	}
	c := newRefClient(tvPool, tvUser, tvPassword, mustHex(tvAHex))
	block := mustDecode(t, tvBlock)
	_, sig := c.claim(tvSaltHex, srv.BHex(), block, tvTimestamp)
	return fixture{srv, v, c.AHex(), block, tvTimestamp, sig, tvPool, tvUser, bBytes, tvSaltHex, tvPassword}
}

func TestVerifyClaimNegative(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	flip := func(s string) string {
		b := mustDecode(t, s)
		b[0] ^= 1
		return base64.StdEncoding.EncodeToString(b)
	}
	otherV := Verifier(tvPool, tvUser, "Passw0rd?", mustDecodeHex(tvSaltHex))
	wrongPw := newRefClient(tvPool, tvUser, "Passw0rd?", mustHex(tvAHex))
	_, wrongSig := wrongPw.claim(tvSaltHex, f.srv.BHex(), f.block, f.ts)
	otherSrv, _ := NewServer(f.v, rand.Reader)
	aPlusN := new(big.Int).Add(mustHex(f.aHex), bigN).Text(16)

	tests := []struct {
		name      string
		mutate    func(*fixture)
		wantError error
	}{
		{"wrong password", func(f *fixture) { f.sig = wrongSig }, ErrBadSignature},
		{"other verifier", func(f *fixture) { f.v = otherV }, ErrBadSignature},
		{"tampered signature", func(f *fixture) { f.sig = flip(f.sig) }, ErrBadSignature},
		{"truncated signature", func(f *fixture) { f.sig = base64.StdEncoding.EncodeToString(mustDecode(t, f.sig)[:31]) }, ErrBadSignature},
		{"signature not base64", func(f *fixture) { f.sig = "!!!" }, ErrBadSignature},
		{"empty signature", func(f *fixture) { f.sig = "" }, ErrBadSignature},
		{"tampered secret block", func(f *fixture) { f.block = append([]byte{}, f.block...); f.block[0] ^= 1 }, ErrBadSignature},
		{"tampered timestamp", func(f *fixture) { f.ts = "Sun Nov 22 03:05:07 UTC 2026" }, ErrBadSignature},
		{"other pool name", func(f *fixture) { f.pool = "OtherPool" }, ErrBadSignature},
		{"other user id", func(f *fixture) { f.userID = "bob" }, ErrBadSignature},
		{"other handshake", func(f *fixture) { f.srv = otherSrv }, ErrBadSignature},
		{"A = 0", func(f *fixture) { f.aHex = "0" }, ErrInvalidA},
		{"A = 000", func(f *fixture) { f.aHex = "000" }, ErrInvalidA},
		{"A = N", func(f *fixture) { f.aHex = bigN.Text(16) }, ErrInvalidA},
		{"A = 2N", func(f *fixture) { f.aHex = new(big.Int).Lsh(bigN, 1).Text(16) }, ErrInvalidA},
		{"A + N", func(f *fixture) { f.aHex = aPlusN }, ErrInvalidA},
		{"A empty", func(f *fixture) { f.aHex = "" }, ErrInvalidA},
		{"A too long", func(f *fixture) { f.aHex = strings.Repeat("0", 1025-len(f.aHex)) + f.aHex }, ErrInvalidA},
		{"A signed", func(f *fixture) { f.aHex = "-" + f.aHex }, ErrInvalidA},
		{"A 0x prefix", func(f *fixture) { f.aHex = "0x" + f.aHex }, ErrInvalidA},
		{"A not hex", func(f *fixture) { f.aHex = "xyz" }, ErrInvalidA},
		{"zero verifier", func(f *fixture) { f.v = make([]byte, VerifierLen) }, ErrInvalidVerifier},
		{"empty state", func(f *fixture) { f.srv = &Server{} }, ErrInvalidState},
		{"nil state", func(f *fixture) { f.srv = nil }, ErrInvalidState},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newFixture(t)
			tc.mutate(&g)
			err := VerifyClaim(g.srv, g.v, g.aHex, g.pool, g.userID, g.block, g.ts, g.sig)
			if !errors.Is(err, tc.wantError) {
				t.Fatalf("VerifyClaim = %v, want %v", err, tc.wantError)
			}
		})
	}
	// Upper-case and zero-prefixed A are the same integer and verify.
	for _, a := range []string{strings.ToUpper(f.aHex), "000" + f.aHex} {
		if err := VerifyClaim(f.srv, f.v, a, f.pool, f.userID, f.block, f.ts, f.sig); err != nil {
			t.Errorf("VerifyClaim(A=%s…) = %v", a[:8], err)
		}
	}
}

func mustDecodeHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	skew := 5 * time.Minute
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		s    string
		now  string
		want error
	}{
		{"Sun Nov 22 03:05:06 UTC 2026", "2026-11-22T03:05:06Z", nil},
		{"Wed Mar 6 12:34:56 UTC 2024", "2024-03-06T12:36:00Z", nil},
		{"Wed Mar 6 12:34:56 UTC 2024", "2024-03-06T12:29:56Z", nil},
		{"Wed Mar 6 12:34:56 UTC 2024", "2024-03-06T12:39:57Z", ErrStaleTimestamp},
		{"Wed Mar 6 12:34:56 UTC 2024", "2024-03-06T12:29:55Z", ErrStaleTimestamp},
		{"Wed Mar 6 12:34:56 UTC 2024", "2025-03-06T12:34:56Z", ErrStaleTimestamp},
		// alexrudd/cognito-srp's 12-hour hour: 15:04:05 is written "03:04:05".
		{"Wed Mar 6 03:04:05 UTC 2024", "2024-03-06T15:04:05Z", nil},
		{"Wed Mar 6 03:04:05 UTC 2024", "2024-03-06T03:04:05Z", nil},
		{"Wed Mar 6 12:00:01 UTC 2024", "2024-03-06T00:00:01Z", nil}, // 12 = midnight hour
		{"Wed Mar 6 11:59:00 UTC 2024", "2024-03-06T23:59:30Z", nil},
		{"Wed Mar 6 03:04:05 UTC 2024", "2024-03-06T09:04:05Z", ErrStaleTimestamp},
		{"Wed Mar 6 13:04:05 UTC 2024", "2024-03-06T01:04:05Z", ErrStaleTimestamp}, // 24-hour form is not shifted back
		{"Wed Mar 6 00:00:05 UTC 2024", "2024-03-06T12:00:05Z", ErrStaleTimestamp},
		// Format errors.
		{"Wed Mar 06 12:34:56 UTC 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp}, // zero-padded day
		{"Thu Mar 6 12:34:56 UTC 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},  // wrong weekday
		{"Wed Mar  6 12:34:56 UTC 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp}, // ANSIC-style space
		{"Wed Mar 6 2:34:56 UTC 2024", "2024-03-06T02:34:56Z", ErrMalformedTimestamp},   // unpadded hour
		{"Wed Mar 6 12:34:56 GMT 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
		{"Wed Mar 6 12:34:56 UTC 2024 ", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
		{"wed mar 6 12:34:56 UTC 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
		{"Wednesday Mar 6 12:34:56 UTC 2024", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
		{"Wed Mar 6 24:00:00 UTC 2024", "2024-03-07T00:00:00Z", ErrMalformedTimestamp},
		{"Sat Feb 30 12:00:00 UTC 2024", "2024-03-01T12:00:00Z", ErrMalformedTimestamp},
		{"2024-03-06T12:34:56Z", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
		{"", "2024-03-06T12:34:56Z", ErrMalformedTimestamp},
	}
	for _, tc := range tests {
		err := ParseTimestamp(tc.s, at(tc.now), skew)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("ParseTimestamp(%q, %s) = %v, want %v", tc.s, tc.now, err, tc.want)
		}
	}
	for _, tm := range []time.Time{at("2024-03-06T12:34:56Z"), at("2026-01-01T00:00:00Z"), time.Date(2026, 9, 5, 9, 8, 7, 0, time.FixedZone("X", 3600))} {
		s := FormatTimestamp(tm)
		if err := ParseTimestamp(s, tm, 0); err != nil {
			t.Errorf("ParseTimestamp(FormatTimestamp(%v) = %q) = %v", tm, s, err)
		}
	}
	if got := FormatTimestamp(at("2026-09-05T08:07:06Z")); got != "Sat Sep 5 08:07:06 UTC 2026" {
		t.Errorf("FormatTimestamp = %q", got)
	}
}

func FuzzVerifyClaim(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.aHex, fx.ts, fx.sig, fx.block)
	f.Add("0", fx.ts, "", []byte{})
	f.Add(bigN.Text(16), "Sun Nov 22 3:05:06 UTC 2026", fx.sig, []byte("x"))
	f.Add("-1", "x", "====", []byte(nil))
	f.Add("1", fx.ts, fx.sig, fx.block)
	f.Fuzz(func(t *testing.T, aHex, ts, sig string, block []byte) {
		err := VerifyClaim(fx.srv, fx.v, aHex, fx.pool, fx.userID, block, ts, sig)
		if err == nil {
			// Only the genuine claim (or the same integer written differently) verifies.
			if ts != fx.ts || sig != fx.sig || !bytes.Equal(block, fx.block) || mustHex(aHex).Cmp(mustHex(fx.aHex)) != 0 {
				t.Fatalf("forged claim accepted: A=%q ts=%q sig=%q block=%q", aHex, ts, sig, block)
			}
		}
		_ = ParseTimestamp(ts, time.Date(2026, 11, 22, 3, 5, 6, 0, time.UTC), time.Minute)
	})
}

func BenchmarkServerHandshake(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		srv, err := NewServer(f.v, bytes.NewReader(f.bSecret))
		if err != nil {
			b.Fatal(err)
		}
		if err := VerifyClaim(srv, f.v, f.aHex, f.pool, f.userID, f.block, f.ts, f.sig); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifier(b *testing.B) {
	salt := mustDecodeHex(tvSaltHex)
	for b.Loop() {
		Verifier(tvPool, tvUser, tvPassword, salt)
	}
}
