package adminqueries

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"userpool/internal/cognitorules"
	"userpool/internal/userpool"
)

// params are a request's parameters: the query string of a GET route, the
// parsed body of a POST route. Values are what the template's Express app
// would see in req.query / req.body: strings (query, form) or decoded JSON
// (strings, json.Number, bool, nil, []any, map[string]any).
type params map[string]any

// queryParams reads the query string; a repeated key keeps its first value.
func queryParams(q url.Values) params {
	p := params{}
	for k, vs := range q {
		if len(vs) > 0 {
			p[k] = vs[0]
		}
	}
	return p
}

// formParams reads a form body; a repeated key becomes a list of strings
// (as Express's urlencoded parser does), a single one a string.
func formParams(q url.Values) params {
	p := params{}
	for k, vs := range q {
		switch len(vs) {
		case 0:
		case 1:
			p[k] = vs[0]
		default:
			l := make([]any, len(vs))
			for i, v := range vs {
				l[i] = v
			}
			p[k] = l
		}
	}
	return p
}

// errBodyTooLarge is answered with 413.
var errBodyTooLarge = errors.New("request body too large")

// readBody parses a POST body like the template's bodyParser.json() and
// bodyParser.urlencoded(): JSON for application/json (and +json), a form for
// application/x-www-form-urlencoded. Without a Content-Type a body that
// looks like a JSON object is read as JSON (fetch with a string body sends
// text/plain; curl -d sends a form type). Another Content-Type is refused
// with 415 in strict mode and ignored (empty parameters) in template mode,
// as the template ignores bodies it has no parser for.
func readBody(r *http.Request, maxBody int64, compat string) (params, error) {
	if r.ContentLength > maxBody {
		return nil, errBodyTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBodyTooLarge
		}
		return nil, badRequest("Could not read the request body.")
	}
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		}
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		if len(trimmed) == 0 {
			return params{}, nil
		}
		return jsonParams(trimmed)
	case mt == "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, badRequest("Malformed form body.")
		}
		return formParams(q), nil
	case len(trimmed) == 0:
		return params{}, nil
	case (mt == "" || mt == "text/plain") && trimmed[0] == '{':
		return jsonParams(trimmed)
	case compat == CompatTemplate:
		return params{}, nil
	default:
		if mt == "" {
			mt = "(none)"
		}
		return nil, &httpError{status: http.StatusUnsupportedMediaType, kind: userpool.KindInvalidParameter,
			msg: fmt.Sprintf("Unsupported Content-Type %s: send application/json or application/x-www-form-urlencoded.", mt)}
	}
}

func jsonParams(b []byte) (params, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("Malformed JSON body.")
	}
	if dec.More() {
		return nil, badRequest("Malformed JSON body: trailing data.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("The JSON body must be an object.")
	}
	return params(m), nil
}

// falsy is JavaScript's falsiness: the template's "required" checks treat
// missing, "", null, 0 and false alike.
func falsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return err == nil && f == 0
	}
	return false
}

// present reports whether the parameter is set (not falsy).
func (p params) present(name string) bool { return !falsy(p[name]) }

// str returns a parameter as a string ("" when falsy). A parameter of
// another type is refused as Cognito refuses a non-string member.
func (p params) str(name string) (string, error) {
	v := p[name]
	if falsy(v) {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", invalidParam(fmt.Sprintf("%s must be a string.", name))
	}
	return s, nil
}

// ---------------------------------------------------------------- limit

// jsParseInt is JavaScript's parseInt(s) without a radix: leading
// whitespace skipped, an optional sign, a "0x"/"0X" prefix selecting base
// 16, then the longest run of digits; no digits is NaN (ok false). The
// result saturates at ±math.MaxInt64 (values that large are refused anyway).
func jsParseInt(s string) (n int64, ok bool) {
	s = strings.TrimLeftFunc(s, isJSSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := int64(10)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base = 16
		s = s[2:]
	}
	digits := 0
	for _, c := range []byte(s) {
		d := int64(-1)
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		}
		if d < 0 {
			break
		}
		digits++
		if n > (math.MaxInt64-d)/base {
			n = math.MaxInt64
		} else {
			n = n*base + d
		}
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// isJSSpace is JavaScript's WhiteSpace and LineTerminator set (what parseInt
// skips).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// defaultLimit is the template's page size when no limit is given.
const defaultLimit = 25

// maxLimit is Cognito's largest page.
const maxLimit = 60

// parseLimit reproduces `limit = req.query.limit ? parseInt(req.query.limit) : 25`
// followed by `...(Limit && {Limit})`: an absent or empty parameter is 25;
// a value parsing to 0 or NaN is omitted (0: the pool's default page of
// 60); anything else is sent and must satisfy Cognito's range 0..60.
func parseLimit(p params) (int, error) {
	raw, _ := p["limit"].(string)
	if raw == "" {
		return defaultLimit, nil
	}
	n, ok := jsParseInt(raw)
	if !ok || n == 0 {
		return 0, nil
	}
	shown := strconv.FormatInt(n, 10)
	switch {
	case n > maxLimit:
		return 0, invalidParam(cognitorules.Message(cognitorules.Violation("limit", &shown, cognitorules.MaxValue(maxLimit))))
	case n < 0:
		return 0, invalidParam(cognitorules.Message(cognitorules.Violation("limit", &shown, cognitorules.MinValue(0))))
	}
	return int(n), nil
}

// parseToken reads the optional page token ("" when absent).
func parseToken(p params) (string, error) {
	tok, err := p.str("token")
	if err != nil || tok == "" {
		return "", err
	}
	if len(tok) > 131072 || !cognitorules.NonSpace.Match(tok) {
		return "", invalidParam(cognitorules.Message(cognitorules.Violation("paginationToken", nil, cognitorules.NonSpace.Constraint())))
	}
	return tok, nil
}

// ---------------------------------------------------------------- member constraints

// Cognito's member constraints (cognitorules' patterns and messages),
// checked here so that bad input is refused with Cognito's validation
// message before it reaches the domain. A constraint is one string
// member's; this face reports a member's first failure only, where the
// Cognito face reports each (a 129-rune username with a space: one failure
// here, two there).
type constraint struct{ cognitorules.Member }

var (
	cUsername    = constraint{cognitorules.Member{Name: "username", Min: 1, Max: 128, Pattern: cognitorules.Name, Sensitive: true}}
	cGroupName   = constraint{cognitorules.Member{Name: "groupName", Min: 1, Max: 128, Pattern: cognitorules.Name}}
	cDescription = constraint{cognitorules.Member{Name: "description", Max: 2048}}
	cRoleArn     = constraint{cognitorules.Member{Name: "roleArn", Min: 20, Max: 2048, Pattern: cognitorules.ARN}}
	cPassword    = constraint{cognitorules.Member{Name: "password", Min: 1, Max: 256, Pattern: cognitorules.Password, Sensitive: true}}
	cDeviceKey   = constraint{cognitorules.Member{Name: "deviceKey", Min: 1, Max: 55, Pattern: cognitorules.DeviceKey}}
	cFilter      = constraint{cognitorules.Member{Name: "filter", Max: 256}}
	cAttrName    = constraint{cognitorules.Member{Name: "name", Min: 1, Max: 32, Pattern: cognitorules.AttributeName}}
	cAttrValue   = constraint{cognitorules.Member{Name: "value", Max: userpool.MaxAttributeValueLength, Sensitive: true}}
)

// check returns the first failure of v at path ("": the member's name), or "".
func (c constraint) check(v, path string) string {
	if m := c.Check(nil, v, path); len(m) > 0 {
		return m[0]
	}
	return ""
}

// validation collects constraint failures into Cognito's message.
type validation []string

func (v *validation) add(c constraint, value, path string) {
	if m := c.check(value, path); m != "" {
		*v = append(*v, m)
	}
}

// minValue records an integer member below its lower bound lo.
func (v *validation) minValue(member string, n, lo int64) {
	if n < lo {
		shown := strconv.FormatInt(n, 10)
		*v = append(*v, cognitorules.Violation(member, &shown, cognitorules.MinValue(lo)))
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	return invalidParam(cognitorules.Message(v...))
}

// ---------------------------------------------------------------- typed getters (extensions)

// boolParam reads a boolean given as JSON true/false or the strings
// "true"/"false" (forms, query strings). Absent is def.
func (p params) boolParam(name string, def bool) (bool, error) {
	switch v := p[name].(type) {
	case nil:
		return def, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(v) {
		case "true", "1":
			return true, nil
		case "false", "0", "":
			return false, nil
		}
	}
	return false, invalidParam(fmt.Sprintf("%s must be true or false.", name))
}

// int64Param reads an optional integer given as a JSON number or a decimal
// string; nil when absent or null.
func (p params) int64Param(name string) (*int64, error) {
	var s string
	switch v := p[name].(type) {
	case nil:
		return nil, nil
	case json.Number:
		s = string(v)
	case string:
		if v == "" {
			return nil, nil
		}
		s = strings.TrimSpace(v)
	default:
		return nil, invalidParam(fmt.Sprintf("%s must be an integer.", name))
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return nil, invalidParam(fmt.Sprintf("%s must be an integer.", name))
	}
	return &n, nil
}

// optStr reads an optional string: nil when absent or null, the value
// (possibly "") otherwise. It is how "leave unchanged" differs from "clear".
func (p params) optStr(name string) (*string, error) {
	v, ok := p[name]
	if !ok || v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, invalidParam(fmt.Sprintf("%s must be a string.", name))
	}
	return &s, nil
}

// attributes reads a list of {"Name":..., "Value":...} objects: a JSON array
// in a JSON body, or the JSON text of one in a form field.
func (p params) attributes(name string) ([]userpool.Attribute, error) {
	v := p[name]
	if s, ok := v.(string); ok {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, invalidParam(name + " must be an array of {\"Name\": ..., \"Value\": ...} objects.")
		}
	}
	list, ok := v.([]any)
	if !ok {
		return nil, invalidParam(name + " must be an array of {\"Name\": ..., \"Value\": ...} objects.")
	}
	out := make([]userpool.Attribute, 0, len(list))
	var ve validation
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, invalidParam(name + " must be an array of {\"Name\": ..., \"Value\": ...} objects.")
		}
		n, nok := m["Name"].(string)
		val, vok := m["Value"].(string)
		if !nok {
			return nil, invalidParam(fmt.Sprintf("%s[%d].Name must be a string.", name, i))
		}
		if _, has := m["Value"]; has && m["Value"] != nil && !vok {
			return nil, invalidParam(fmt.Sprintf("%s[%d].Value must be a string.", name, i))
		}
		path := fmt.Sprintf("userAttributes.%d.member", i+1)
		ve.add(cAttrName, n, path+".name")
		ve.add(cAttrValue, val, path+".value")
		out = append(out, userpool.Attribute{Name: n, Value: val})
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// strings reads a list of strings: a JSON array, a repeated form field, the
// JSON text of an array, or a single name.
func (p params) stringList(name string) ([]string, error) {
	v := p[name]
	if s, ok := v.(string); ok {
		if strings.HasPrefix(strings.TrimSpace(s), "[") {
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				return nil, invalidParam(name + " must be an array of strings.")
			}
		} else {
			v = []any{s}
		}
	}
	list, ok := v.([]any)
	if !ok {
		return nil, invalidParam(name + " must be an array of strings.")
	}
	out := make([]string, 0, len(list))
	var ve validation
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, invalidParam(name + " must be an array of strings.")
		}
		ve.add(cAttrName, s, fmt.Sprintf("userAttributeNames.%d.member", i+1))
		out = append(out, s)
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	return out, nil
}
