package awsjson

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTimeEncoding(t *testing.T) {
	cases := map[time.Time]string{
		time.Unix(1557751663, 0):           "1557751663",
		time.Unix(1557751663, 123000000):   "1557751663.123",
		time.Unix(1557751663, 120_000_000): "1557751663.12",
	}
	for in, want := range cases {
		b, err := json.Marshal(Time{in})
		if err != nil || string(b) != want {
			t.Errorf("%v: got %s (%v), want %s", in, b, err, want)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(in) {
			t.Errorf("round trip of %s: %v %v", b, back, err)
		}
	}
	if NewTime(time.Time{}) != nil {
		t.Error("zero time must encode as absent")
	}
}

func TestDecode(t *testing.T) {
	var v struct {
		A *string `json:"A"`
		N *int32  `json:"N"`
	}
	if err := Decode([]byte(`{"A":"x","Unknown":1}`), &v); err != nil || *v.A != "x" {
		t.Fatalf("unknown members must be ignored: %v", err)
	}
	for _, bad := range []string{`[1]`, `{"A":`, `{"A":1}`, `{"N":"x"}`, `{"A":"x"} {}`, `"str"`} {
		err := Decode([]byte(bad), &v)
		var e *Error
		if !errors.As(err, &e) || e.Type != "SerializationException" || e.Status != 400 {
			t.Errorf("%s: want SerializationException, got %v", bad, err)
		}
	}
	if err := Decode(nil, &v); err != nil {
		t.Errorf("empty body is {}: %v", err)
	}
}

type sharedMembers struct {
	Inner *struct {
		N *int `json:"N"`
	} `json:"Inner"`
	L []int `json:"L"`
}

// Members of an embedded struct are the shape's own: a type error names the
// member path the client sent, not the Go struct the member sits in.
func TestDecodeEmbeddedMemberPath(t *testing.T) {
	var v struct {
		Name *string `json:"Name"`
		sharedMembers
		Tail []struct {
			sharedMembers
		} `json:"Tail"`
	}
	cases := map[string]string{
		`{"Name":1}`:                      "Unexpected value type for Name: expected string",
		`{"Inner":"x"}`:                   "Unexpected value type for Inner: expected structure",
		`{"Inner":{"N":"1"}}`:             "Unexpected value type for Inner.N: expected number",
		`{"L":["x"]}`:                     "Unexpected value type for L: expected number",
		`{"Tail":[{"Inner":{"N":true}}]}`: "Unexpected value type for Tail.Inner.N: expected number",
	}
	for body, want := range cases {
		err := Decode([]byte(body), &v)
		var e *Error
		if !errors.As(err, &e) || e.Type != "SerializationException" || e.Message != want {
			t.Errorf("%s: got %v, want SerializationException %q", body, err, want)
		}
	}
}

func TestReadBodyLimit(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 2000)))
	_, err := ReadBody(r, 1000)
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("want 413, got %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("{}"))
	if b, err := ReadBody(r, 1000); err != nil || string(b) != "{}" {
		t.Fatalf("got %q %v", b, err)
	}
}

func TestErrorEnvelope(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, "rid-1", &Error{Type: "NotAuthorizedException", Message: "Incorrect username or password.", Status: 400})
	if w.Code != 400 || w.Header().Get("x-amzn-ErrorType") != "NotAuthorizedException:" ||
		w.Header().Get("x-amzn-RequestId") != "rid-1" || w.Header().Get("Content-Type") != ContentType {
		t.Fatalf("headers: %d %v", w.Code, w.Header())
	}
	if got := w.Body.String(); got != `{"__type":"NotAuthorizedException","message":"Incorrect username or password."}` {
		t.Fatalf("body %s", got)
	}
}

func TestParseTarget(t *testing.T) {
	if op, ok := ParseTarget("AWSCognitoIdentityProviderService.AdminGetUser", "AWSCognitoIdentityProviderService"); !ok || op != "AdminGetUser" {
		t.Fatal(op, ok)
	}
	for _, bad := range []string{"", "AWSCognitoIdentityProviderService.", "Other.AdminGetUser", "AWSCognitoIdentityProviderService.A.B"} {
		if _, ok := ParseTarget(bad, "AWSCognitoIdentityProviderService"); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestErrorMessageHeaderIsSanitised(t *testing.T) {
	w := httptest.NewRecorder()
	msg := "1 validation error detected: Value 'a\x00b\r\nX-Evil: 1 é' at 'username' failed"
	WriteError(w, "rid", &Error{Type: "InvalidParameterException", Message: msg, Status: 400})
	got := w.Header().Get("x-amzn-ErrorMessage")
	for _, r := range got {
		if r < 0x20 || r > 0x7e {
			t.Fatalf("header carries %q", got)
		}
	}
	if !strings.Contains(got, "a b  X-Evil: 1 ?") {
		t.Fatalf("header %q", got)
	}
	var body struct{ Message string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Message != msg {
		t.Fatalf("body must keep the exact message: %q %v", body.Message, err)
	}
	// A real server must be able to send it: the header passes net/http's checks.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, "rid", &Error{Type: "InvalidParameterException", Message: msg, Status: 400})
	}))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
