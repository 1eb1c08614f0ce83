package awsjson

import (
	"encoding/json"
	"strconv"
)

// Appender is implemented by response shapes on hot paths (user lists,
// AdminGetUser) that encode themselves without reflection. AppendJSON must
// append exactly the bytes json.Marshal would produce for the value; the
// shapes' tests compare the two on generated values.
type Appender interface {
	AppendJSON(b []byte) []byte
}

// plain reports whether every byte of s is printable ASCII that
// encoding/json writes as it is (no quote, backslash or HTML-sensitive
// character).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// AppendString appends s as a JSON string, byte for byte as json.Marshal
// writes it. Strings that need escaping (rare in these shapes) are handed
// to encoding/json itself.
func AppendString(b []byte, s string) []byte {
	if plain(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, err := json.Marshal(s)
	if err != nil { // a string always marshals
		panic(err)
	}
	return append(b, q...)
}

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// AppendJSON appends t as MarshalJSON writes it.
func (t Time) AppendJSON(b []byte) []byte {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(b, ms/1000, 10)
	}
	return strconv.AppendFloat(b, float64(ms)/1000, 'f', -1, 64)
}
