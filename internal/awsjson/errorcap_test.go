package awsjson

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// Issue 13 finding 8: a message quoting a 1 MiB input was copied whole
// into x-amzn-ErrorMessage and the body.
func TestErrorMessageCapped(t *testing.T) {
	tests := []struct {
		name string
		msg  string
	}{
		{"ascii 1 MiB", "Value '" + strings.Repeat("a", 1<<20) + "' at 'username' failed to satisfy constraint"},
		{"multibyte 1 MiB", "Value '" + strings.Repeat("é€😀", 1<<18) + "' at 'name'"},
		{"short", "User does not exist."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, "rid", &Error{Type: "InvalidParameterException", Message: tc.msg, Status: 400})
			hdr := rec.Header().Get("x-amzn-ErrorMessage")
			if len(hdr) > MaxHeaderMessage {
				t.Fatalf("x-amzn-ErrorMessage is %d bytes, want ≤ %d", len(hdr), MaxHeaderMessage)
			}
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if len(body.Message) > MaxBodyMessage || !utf8.ValidString(body.Message) {
				t.Fatalf("body message is %d bytes (valid UTF-8: %v), want ≤ %d", len(body.Message), utf8.ValidString(body.Message), MaxBodyMessage)
			}
			if len(tc.msg) <= MaxBodyMessage {
				if body.Message != tc.msg || hdr != tc.msg {
					t.Fatalf("a short message changed: body %q header %q", body.Message, hdr)
				}
				return
			}
			if !strings.HasSuffix(body.Message, "...") || !strings.HasPrefix(tc.msg, strings.TrimSuffix(body.Message, "...")) {
				t.Fatalf("body message is not a marked prefix of the original: %q", body.Message[:40])
			}
			if !strings.HasSuffix(hdr, "...") || !strings.HasPrefix(hdr, "Value '") {
				t.Fatalf("header %q...", hdr[:40])
			}
		})
	}
}
