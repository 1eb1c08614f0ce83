package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ContentType is the content type of every response.
const ContentType = "application/x-amz-json-1.1"

// DefaultMaxBody is the default request body limit. Cognito's largest
// legitimate requests (a pool schema of 50 attributes, templates) are far below it.
const DefaultMaxBody = 1 << 20

// Error is a protocol-level error with its wire type and HTTP status.
type Error struct {
	Type    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Protocol errors that AWS JSON services answer for malformed requests.
func UnknownOperation(target string) *Error {
	return &Error{Type: "UnknownOperationException", Message: "Unknown operation " + target, Status: http.StatusBadRequest}
}

// Serialization is returned for a body that is not a JSON object of the right shape.
func Serialization(msg string) *Error {
	return &Error{Type: "SerializationException", Message: msg, Status: http.StatusBadRequest}
}

// TooLarge is returned for a body over the size limit.
func TooLarge(limit int64) *Error {
	return &Error{Type: "SerializationException", Message: fmt.Sprintf("Request body exceeds the maximum size of %d bytes", limit), Status: http.StatusRequestEntityTooLarge}
}

// ParseTarget splits "Prefix.Operation" and checks the prefix.
func ParseTarget(header, prefix string) (string, bool) {
	op, ok := strings.CutPrefix(header, prefix+".")
	if !ok || op == "" || strings.ContainsAny(op, ". /") {
		return "", false
	}
	return op, true
}

// ReadBody reads at most limit bytes of the request body.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, TooLarge(limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, Serialization("Could not read the request body")
	}
	if int64(len(b)) > limit {
		return nil, TooLarge(limit)
	}
	return b, nil
}

// Decode decodes a JSON object into v. Unknown members are ignored (newer
// SDKs send newer members); an empty body is treated as {}.
func Decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if body[0] != '{' {
		return Serialization("Start of structure or map found where not expected.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := memberPath(reflect.TypeOf(v), te.Field)
			if field == "" {
				field = "the request"
			}
			return Serialization(fmt.Sprintf("Unexpected value type for %s: expected %s", field, jsonKind(te.Type.Kind().String())))
		}
		return Serialization("Malformed JSON in the request body")
	}
	if dec.More() {
		return Serialization("Unexpected content after the JSON object")
	}
	var rest json.RawMessage
	if err := dec.Decode(&rest); err != io.EOF {
		return Serialization("Unexpected content after the JSON object")
	}
	return nil
}

// memberPath turns the decoder's path to a mistyped value into the member
// path the client sent: encoding/json also names the embedded Go structs it
// passed through (a group of members two shapes share), which are not
// members.
func memberPath(t reflect.Type, field string) string {
	if field == "" {
		return ""
	}
	var out []string
	for _, seg := range strings.Split(field, ".") {
		t = structOf(t)
		if t == nil {
			out = append(out, seg)
			continue
		}
		if f, ok := t.FieldByName(seg); ok && f.Anonymous {
			t = f.Type
			continue
		}
		out = append(out, seg)
		t = memberType(t, seg)
	}
	return strings.Join(out, ".")
}

// structOf is the structure a value of type t holds members in (through
// pointers, lists and maps), or nil.
func structOf(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			return t
		default:
			return nil
		}
	}
	return nil
}

// memberType is the type of struct t's member (own or promoted) named name
// on the wire, or nil.
func memberType(t reflect.Type, name string) reflect.Type {
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous {
			continue
		}
		n := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			if tn, _, _ := strings.Cut(tag, ","); tn != "" {
				n = tn
			}
		}
		if n == name {
			return f.Type
		}
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "map", "struct", "ptr":
		return "structure"
	default:
		return "number"
	}
}

// appendBufs are response buffers for Appender shapes; the response writer
// copies what it is given, so a buffer is reused once Write returns.
var appendBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBuf keeps unusually large responses from staying in the pool.
const maxPooledBuf = 256 << 10

// WriteJSON writes a 200 response. A nil v is written as {}.
func WriteJSON(w http.ResponseWriter, requestID string, v any) {
	var b []byte
	if a, ok := v.(Appender); ok {
		bp := appendBufs.Get().(*[]byte)
		b = a.AppendJSON((*bp)[:0])
		defer func() {
			if cap(b) <= maxPooledBuf {
				*bp = b
				appendBufs.Put(bp)
			}
		}()
	} else if v == nil {
		b = []byte("{}")
	} else {
		var err error
		b, err = json.Marshal(v)
		if err != nil {
			WriteError(w, requestID, &Error{Type: "InternalErrorException", Message: "Internal server error.", Status: 500})
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

type errorBody struct {
	Type       string `json:"__type"`
	Message    string `json:"message"`
	ReasonCode string `json:"reasonCode,omitempty"`
}

// Caps on an error message's size on the wire. Messages may quote client
// input (Coral's "Value '...' at ..."); uncapped, a 1 MiB input became a
// 1 MiB x-amzn-ErrorMessage header, which Node clients fail to parse from
// about 20 KB (issue 13 finding 8). AWS's own messages quote at most a
// short prefix of a value.
const (
	// MaxHeaderMessage bounds x-amzn-ErrorMessage, in bytes.
	MaxHeaderMessage = 1024
	// MaxBodyMessage bounds the body's "message", in bytes of UTF-8.
	MaxBodyMessage = 4096
)

// truncated is the suffix of a cut message.
const truncated = "..."

// capMessage cuts msg to at most n bytes, on a UTF-8 boundary, ending in
// "..." when cut.
func capMessage(msg string, n int) string {
	if len(msg) <= n {
		return msg
	}
	cut := n - len(truncated)
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + truncated
}

// WriteError writes the AWS JSON error envelope. The message is capped
// (MaxBodyMessage in the body, MaxHeaderMessage in x-amzn-ErrorMessage).
func WriteError(w http.ResponseWriter, requestID string, e *Error) {
	msg := capMessage(e.Message, MaxBodyMessage)
	b, _ := json.Marshal(errorBody{Type: e.Type, Message: msg})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", e.Type+":")
	if m := capMessage(headerSafe(msg), MaxHeaderMessage); m != "" {
		h.Set("x-amzn-ErrorMessage", m)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// headerSafe makes a message usable as a header value: messages may echo
// client input (Coral's "Value '...' at ..."), which can hold control
// characters that would corrupt the response head. Non-printable ASCII
// becomes a space and non-ASCII a '?'; the JSON body keeps the exact text.
func headerSafe(msg string) string {
	var b strings.Builder
	b.Grow(len(msg))
	for _, r := range msg {
		switch {
		case r == '\t' || (r >= 0x20 && r < 0x7f):
			b.WriteRune(r)
		case r < 0x80 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return strings.TrimSpace(b.String())
}

// Time is a timestamp encoded as epoch seconds (a JSON number, millisecond
// precision), the JSON protocol's default timestamp format.
type Time struct{ time.Time }

// NewTime wraps t; a zero t yields a nil pointer so that omitempty drops it.
func NewTime(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t}
}

// MarshalJSON writes seconds with up to three decimals.
func (t Time) MarshalJSON() ([]byte, error) {
	return t.AppendJSON(nil), nil
}

// UnmarshalJSON accepts a number of epoch seconds (decimal fractions are
// parsed exactly, to nanoseconds).
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("timestamp must be a number of epoch seconds")
		}
		t.Time = time.UnixMilli(int64(math.Round(f * 1000))).UTC()
		return nil
	}
	ip, fp, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(ip, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp must be a number of epoch seconds")
	}
	var nsec int64
	if fp != "" {
		if len(fp) > 9 {
			fp = fp[:9]
		}
		fp += strings.Repeat("0", 9-len(fp))
		if nsec, err = strconv.ParseInt(fp, 10, 64); err != nil || nsec < 0 {
			return fmt.Errorf("timestamp must be a number of epoch seconds")
		}
		if strings.HasPrefix(ip, "-") {
			nsec = -nsec
		}
	}
	t.Time = time.Unix(sec, nsec).UTC()
	return nil
}
