package token

import (
	"context"
	"crypto/rand"
	"testing"

	"userpool/internal/store"
)

func benchEnv(b *testing.B) (*env, IssueInput) {
	e := newEnv(b, func(o *Options) { o.KeyBits = 2048; o.Rand = rand.Reader })
	in := basicInput()
	in.Attributes = map[string]string{"email": "a@example.com", "email_verified": "true", "name": "A User", "custom:tenant": "t1"}
	in.Groups = []store.Group{{Name: "admins", Precedence: prec(0), RoleArn: roleA}, {Name: "users", Precedence: prec(5)}}
	if err := e.is.EnsureKeys(context.Background(), testPool); err != nil {
		b.Fatal(err)
	}
	return e, in
}

func BenchmarkIssuePair(b *testing.B) {
	e, in := benchEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := e.is.IssuePair(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssuePairParallel(b *testing.B) {
	e, in := benchEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := e.is.IssuePair(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkVerifyAccess(b *testing.B) {
	e, in := benchEnv(b)
	ctx := context.Background()
	_, access, err := e.is.IssuePair(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.is.Verify(ctx, testPool, access, UseAccess); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyID(b *testing.B) {
	e, in := benchEnv(b)
	ctx := context.Background()
	id, _, err := e.is.IssuePair(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.is.Verify(ctx, testPool, id, UseID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyAccessParallel(b *testing.B) {
	e, in := benchEnv(b)
	ctx := context.Background()
	_, access, err := e.is.IssuePair(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.is.Verify(ctx, testPool, access, UseAccess); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGenerateKey2048(b *testing.B) {
	e := newEnv(b, func(o *Options) { o.KeyBits = 2048; o.Rand = rand.Reader })
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := e.is.createKey(ctx, testPool, UseID, t0, false); err != nil {
			b.Fatal(err)
		}
	}
}
