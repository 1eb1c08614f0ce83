package awsjson

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendStringIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		t.Helper()
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("x"), s); !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got[1:], want)
		}
	}
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "<a&b>", "\x00\x1f\x7f", "é日😀", "\u2028\u2029", "\xff\xfe", "~ !#$%"} {
		check(s)
	}
	for range 20000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		check(string(b))
	}
}

// AppendJSON writes epoch seconds (milliseconds as decimals) that read back
// as the same instant, never in exponent form.
func TestTimeAppendRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		tm := Time{time.UnixMilli(r.Int64N(5e12))}
		b := tm.AppendJSON(nil)
		if bytes.ContainsAny(b, "eE") {
			t.Fatalf("%v: exponent in %s", tm, b)
		}
		var back Time
		if err := back.UnmarshalJSON(b); err != nil || back.UnixMilli() != tm.UnixMilli() {
			t.Fatalf("%v: %s read back as %v (%v)", tm, b, back, err)
		}
	}
}
