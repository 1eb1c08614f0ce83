package iam

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"userpool/internal/sigv4"
	"userpool/internal/store"
)

// memIAM is an in-memory store.IAMStore that counts reads.
type memIAM struct {
	mu         sync.Mutex
	principals map[string]store.Principal
	keys       map[string]store.AccessKey
	keyReads   int
	fail       error // returned by GetAccessKey when set
}

func newMemIAM() *memIAM {
	return &memIAM{principals: map[string]store.Principal{}, keys: map[string]store.AccessKey{}}
}

func (m *memIAM) PutPrincipal(_ context.Context, p store.Principal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.principals[p.Name] = p
	return nil
}

func (m *memIAM) GetPrincipal(_ context.Context, name string) (store.Principal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.principals[name]
	if !ok {
		return store.Principal{}, store.ErrNotFound
	}
	return p, nil
}

func (m *memIAM) ListPrincipals(context.Context) ([]store.Principal, error) { return nil, nil }

func (m *memIAM) DeletePrincipal(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.principals, name)
	return nil
}

func (m *memIAM) CreateAccessKey(_ context.Context, k store.AccessKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.principals[k.PrincipalName]; !ok {
		return store.ErrNotFound
	}
	if _, ok := m.keys[k.ID]; ok {
		return store.ErrAlreadyExists
	}
	m.keys[k.ID] = k
	return nil
}

func (m *memIAM) GetAccessKey(_ context.Context, id string) (store.AccessKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keyReads++
	if m.fail != nil {
		return store.AccessKey{}, m.fail
	}
	k, ok := m.keys[id]
	if !ok {
		return store.AccessKey{}, store.ErrNotFound
	}
	return k, nil
}

func (m *memIAM) ListAccessKeys(context.Context, string) ([]store.AccessKey, error) { return nil, nil }

func (m *memIAM) DeleteAccessKey(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, id)
	return nil
}

func (m *memIAM) AppendAudit(context.Context, store.AuditEvent) (int64, error) { return 0, nil }
func (m *memIAM) AppendAuditBatch(context.Context, []store.AuditEvent) error   { return nil }

func (m *memIAM) ListAudit(context.Context, store.AuditFilter, store.Page) ([]store.AuditEvent, string, error) {
	return nil, "", nil
}

func (m *memIAM) reads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.keyReads
}

func (m *memIAM) setDisabled(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.keys[id]
	k.Disabled = true
	m.keys[id] = k
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type keyringFixture struct {
	st     *memIAM
	sealer *Sealer
	clk    *clock
	kr     *Keyring
	id     string
	secret string
}

func newKeyringFixture(t *testing.T) *keyringFixture {
	t.Helper()
	f := &keyringFixture{st: newMemIAM(), sealer: mustSealer(t, testKey(3)), clk: &clock{t: time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)}}
	ctx := context.Background()
	if err := f.st.PutPrincipal(ctx, store.Principal{Name: "adminFn", Grants: []store.Grant{{Pool: "customers", Actions: []string{"manageUsers", "listUsers"}}}}); err != nil {
		t.Fatal(err)
	}
	var err error
	f.id, f.secret, err = CreateAccessKey(ctx, f.st, f.sealer, nil, "adminFn", f.clk.now())
	if err != nil {
		t.Fatal(err)
	}
	f.kr = NewKeyring(f.st, f.sealer, 30*time.Second, f.clk.now)
	return f
}

func TestCreateAccessKeyStoresCiphertext(t *testing.T) {
	f := newKeyringFixture(t)
	k, err := f.st.GetAccessKey(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	if !ValidAccessKeyID(f.id) || len(f.secret) != 40 {
		t.Fatalf("issued %q / %d-char secret", f.id, len(f.secret))
	}
	if strings.Contains(string(k.SecretCiphertext), f.secret) {
		t.Fatal("store holds the plaintext secret")
	}
	if k.PrincipalName != "adminFn" || k.Disabled || !k.CreatedAt.Equal(f.clk.now()) {
		t.Fatalf("stored key %+v", k)
	}
	if _, _, err := CreateAccessKey(context.Background(), f.st, f.sealer, nil, "nobody", f.clk.now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key for a missing principal: %v", err)
	}
}

func TestKeyringResolveAndCache(t *testing.T) {
	f := newKeyringFixture(t)
	ctx := context.Background()
	c, err := f.kr.Resolve(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Secret != f.secret || c.Principal.Name != "adminFn" || c.AccessKeyID != f.id {
		t.Fatalf("credential %+v", c)
	}
	if !c.Policy.Allows("AdminCreateUser", PoolRef{ID: "us-east-1_X", Name: "customers"}) ||
		c.Policy.Allows("AdminCreateUser", PoolRef{ID: "us-east-1_Y", Name: "staff"}) {
		t.Fatal("policy not compiled from the principal's grants")
	}
	secret, err := f.kr.Lookup(ctx, f.id)
	if err != nil || secret != f.secret {
		t.Fatalf("Lookup = %v", err)
	}
	if n := f.st.reads(); n != 1 {
		t.Fatalf("store read %d times within the TTL, want 1", n)
	}

	// Disabled in the store: still served from cache until the TTL passes.
	f.st.setDisabled(f.id)
	f.clk.add(29 * time.Second)
	if _, err := f.kr.Lookup(ctx, f.id); err != nil {
		t.Fatalf("within TTL: %v", err)
	}
	f.clk.add(time.Second)
	_, err = f.kr.Lookup(ctx, f.id)
	if !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatalf("disabled key after TTL: %v", err)
	}
	if n := f.st.reads(); n != 2 {
		t.Fatalf("store reads = %d, want 2", n)
	}
	// Negative results are cached too.
	if _, err := f.kr.Lookup(ctx, f.id); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatal(err)
	}
	if n := f.st.reads(); n != 2 {
		t.Fatalf("negative result not cached: %d reads", n)
	}
}

func TestKeyringInvalidate(t *testing.T) {
	f := newKeyringFixture(t)
	ctx := context.Background()
	if _, err := f.kr.Lookup(ctx, f.id); err != nil {
		t.Fatal(err)
	}
	f.st.setDisabled(f.id)
	f.kr.Invalidate(f.id)
	if _, err := f.kr.Lookup(ctx, f.id); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatalf("after Invalidate: %v", err)
	}
	_ = f.st.DeleteAccessKey(ctx, f.id)
	f.kr.Flush()
	if _, err := f.kr.Lookup(ctx, f.id); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatalf("after Flush: %v", err)
	}
}

func TestKeyringUnknownAndFailures(t *testing.T) {
	ctx := context.Background()

	f := newKeyringFixture(t)
	if _, err := f.kr.Lookup(ctx, "AKIAZZZZZZZZZZZZZZZZ"); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("unknown id: %v", err)
	}

	f = newKeyringFixture(t)
	_ = f.st.DeletePrincipal(ctx, "adminFn")
	if _, err := f.kr.Lookup(ctx, f.id); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("orphaned key: %v", err)
	}

	f = newKeyringFixture(t)
	boom := errors.New("connection refused")
	f.st.fail = boom
	_, err := f.kr.Lookup(ctx, f.id)
	if !errors.Is(err, boom) || errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("store failure: %v", err)
	}
	f.st.fail = nil
	if _, err := f.kr.Lookup(ctx, f.id); err != nil {
		t.Errorf("store failure was cached: %v", err)
	}

	f = newKeyringFixture(t)
	other := NewKeyring(f.st, mustSealer(t, testKey(4)), 0, f.clk.now)
	_, err = other.Lookup(ctx, f.id)
	if err == nil || errors.Is(err, sigv4.ErrUnknownAccessKey) || !errors.Is(err, ErrSealedData) {
		t.Errorf("wrong master key: %v", err)
	}
	if strings.Contains(err.Error(), f.secret) {
		t.Error("error contains the secret")
	}
}

func TestKeyringBounded(t *testing.T) {
	f := newKeyringFixture(t)
	ctx := context.Background()
	for i := range keyringMaxEntries + 100 {
		_, _ = f.kr.Lookup(ctx, "AKIA"+strings.Repeat("Z", 6)+hex.EncodeToString([]byte{byte(i >> 8), byte(i)}))
	}
	f.kr.mu.Lock()
	n := len(f.kr.entries)
	f.kr.mu.Unlock()
	if n > keyringMaxEntries {
		t.Fatalf("cache holds %d entries, max %d", n, keyringMaxEntries)
	}
}

// TestKeyringWithVerifier plugs the Keyring into the SigV4 verifier and signs
// with the AWS SDK signer using the issued key pair.
func TestKeyringWithVerifier(t *testing.T) {
	f := newKeyringFixture(t)
	v := &sigv4.Verifier{Now: f.clk.now, Lookup: f.kr.Lookup}
	body := []byte(`{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}`)
	sum := sha256.Sum256(body)

	sign := func(id, secret string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://localhost:9229/", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser")
		err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", f.clk.now())
		if err != nil {
			t.Fatal(err)
		}
		return req
	}

	res, err := v.Verify(context.Background(), sign(f.id, f.secret), body)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	cred, err := f.kr.Resolve(context.Background(), res.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Authorize("", res.Region, "AdminGetUser", PoolRef{ID: "us-east-1_AbCdEf123", Name: "customers"}); err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	var d *DeniedError
	if err := cred.Authorize("", res.Region, "AdminAddUserToGroup", PoolRef{ID: "us-east-1_AbCdEf123", Name: "customers"}); !errors.As(err, &d) {
		t.Fatalf("manageUsers allowed AdminAddUserToGroup: %v", err)
	}

	_, err = v.Verify(context.Background(), sign(f.id, strings.Repeat("x", 40)), body)
	var se *sigv4.Error
	if !errors.As(err, &se) || se.Code != sigv4.CodeInvalidSignature {
		t.Fatalf("wrong secret: %v", err)
	}
	f.st.setDisabled(f.id)
	f.kr.Invalidate(f.id)
	_, err = v.Verify(context.Background(), sign(f.id, f.secret), body)
	if !errors.As(err, &se) || se.Code != sigv4.CodeUnrecognizedClient {
		t.Fatalf("disabled key: %v", err)
	}
}
