package sqlite

import (
	"encoding/json"
	"unicode/utf8"
)

// decodeMap decodes a JSON object of strings, as written by jsonMap (see
// decodeMapString); b is copied once, as a driver may reuse it.
func decodeMap(b []byte) (map[string]string, error) {
	return decodeMapString(string(b))
}

// decodeMapString decodes a JSON object of strings, as written by jsonMap.
// The common case (no escapes, no whitespace) is parsed directly, which is
// several times faster than encoding/json on maps, and the keys and values
// are substrings of s (no allocation per entry; they keep s alive, which
// holds nothing but them); anything else falls back to encoding/json, so the
// result is always what json.Unmarshal would give.
func decodeMapString(s string) (map[string]string, error) {
	if m, ok := fastDecodeMap(s); ok {
		return m, nil
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

func fastDecodeMap(b string) (map[string]string, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	m := make(map[string]string, 8)
	i := 1
	if b[i] == '}' {
		return m, i == len(b)-1
	}
	for {
		k, n, ok := fastString(b, i)
		if !ok || n >= len(b) || b[n] != ':' {
			return nil, false
		}
		v, n2, ok := fastString(b, n+1)
		if !ok || n2 >= len(b) {
			return nil, false
		}
		if _, dup := m[k]; dup { // json.Unmarshal keeps the last; let it decide
			return nil, false
		}
		m[k] = v
		switch b[n2] {
		case ',':
			i = n2 + 1
		case '}':
			return m, n2 == len(b)-1
		default:
			return nil, false
		}
	}
}

// fastString reads a JSON string without escapes starting at b[i] == '"' and
// returns it (a substring of b) with the index after the closing quote.
func fastString(b string, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			if !utf8.ValidString(s) {
				return "", 0, false
			}
			return s, j + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}
