package cognitoidp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"userpool/internal/cognitorules"
)

// Member constraints are declared on wire shapes with a `cg` struct tag and
// checked by validate, which reports them exactly as AWS's Coral framework
// does:
//
//	1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60
//
// Tag keys (comma separated):
//
//	req            required (nil / absent is an error: "Member must not be null")
//	len=MIN:MAX    string length (runes) or list length; either bound may be empty
//	range=MIN:MAX  integer range; either bound may be empty
//	re=NAME        a pattern of cognitorules' table (full match)
//	enum=A|B|C     allowed string values
//	sensitive      the value is not echoed in messages
//	dive           validate the elements of a list of structures / the fields of a structure
//
// The members of an embedded structure (a group of members two shapes
// share) are checked as members of the shape that embeds it, in place.
//
// Paths use the camelCase member name, list elements as "name.N.member"
// (1-based), as AWS does. The patterns and the message text are
// internal/cognitorules', shared with the other faces and the domain.

type rule struct {
	field    []int  // index path (through embedded structures)
	name     string // camelCase member name
	required bool
	minLen   *int
	maxLen   *int
	minVal   *int64
	maxVal   *int64
	str      cognitorules.Member // a string member's (or string list element's) constraints
	dive     bool
}

var ruleCache sync.Map // reflect.Type -> []rule

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// AWS lower-cases the leading acronym run too: "MFAOptions" -> "mFAOptions".
	return strings.ToLower(s[:1]) + s[1:]
}

func parseBounds(v string) (*int64, *int64) {
	lo, hi, _ := strings.Cut(v, ":")
	var pl, ph *int64
	if lo != "" {
		n, err := strconv.ParseInt(lo, 10, 64)
		if err != nil {
			panic("cognitoidp: bad bound " + v)
		}
		pl = &n
	}
	if hi != "" {
		n, err := strconv.ParseInt(hi, 10, 64)
		if err != nil {
			panic("cognitoidp: bad bound " + v)
		}
		ph = &n
	}
	return pl, ph
}

func rulesFor(t reflect.Type) []rule {
	if r, ok := ruleCache.Load(t); ok {
		return r.([]rule)
	}
	rules := collectRules(t, nil)
	ruleCache.Store(t, rules)
	return rules
}

// collectRules lists the rules of t's tagged fields in declaration order,
// those of an embedded structure where it is embedded; index is the path to t.
func collectRules(t reflect.Type, index []int) []rule {
	var rules []rule
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		at := append(append([]int(nil), index...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			rules = append(rules, collectRules(f.Type, at)...)
			continue
		}
		tag, ok := f.Tag.Lookup("cg")
		if !ok {
			continue
		}
		name := f.Name
		if j, ok := f.Tag.Lookup("json"); ok {
			if n, _, _ := strings.Cut(j, ","); n != "" && n != "-" {
				name = n
			}
		}
		r := rule{field: at, name: lowerFirst(name)}
		r.str.Name = r.name
		for _, part := range strings.Split(tag, ",") {
			k, v, _ := strings.Cut(part, "=")
			switch k {
			case "":
			case "req":
				r.required = true
			case "len":
				lo, hi := parseBounds(v)
				if lo != nil {
					n := int(*lo)
					r.minLen = &n
					r.str.Min = n
				}
				if hi != nil {
					n := int(*hi)
					if n == 0 {
						panic("cognitoidp: len=:0 on " + t.Name() + "." + f.Name)
					}
					r.maxLen = &n
					r.str.Max = n
				}
			case "range":
				r.minVal, r.maxVal = parseBounds(v)
			case "re":
				p, ok := cognitorules.Lookup(v)
				if !ok {
					panic("cognitoidp: unknown pattern " + v)
				}
				r.str.Pattern = p
			case "enum":
				r.str.Enum = strings.Split(v, "|")
			case "sensitive":
				r.str.Sensitive = true
			case "dive":
				r.dive = true
			default:
				panic("cognitoidp: unknown cg tag key " + k + " on " + t.Name() + "." + f.Name)
			}
		}
		rules = append(rules, r)
	}
	return rules
}

// validationError collects Coral-style constraint violations (the text is
// cognitorules').
type validationError struct{ msgs []string }

func (v *validationError) add(path string, value *string, constraint string) {
	v.msgs = append(v.msgs, cognitorules.Violation(path, value, constraint))
}

func (v *validationError) addNull(path string) {
	v.msgs = append(v.msgs, cognitorules.NullViolation(path))
}

func (v *validationError) message() string { return cognitorules.Message(v.msgs...) }

// validate checks the cg constraints of a pointer to a wire shape. It returns
// "" when everything holds, else the full AWS message.
func validate(in any) string {
	var ve validationError
	validateValue(reflect.ValueOf(in), "", &ve)
	if len(ve.msgs) == 0 {
		return ""
	}
	return ve.message()
}

func validateValue(v reflect.Value, prefix string, ve *validationError) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for _, r := range rulesFor(v.Type()) {
		path := r.name
		if prefix != "" {
			path = prefix + "." + r.name
		}
		checkField(v.FieldByIndex(r.field), r, path, ve)
	}
}

func shown(r rule, s string) *string {
	if r.str.Sensitive {
		return nil
	}
	return &s
}

func checkField(f reflect.Value, r rule, path string, ve *validationError) {
	// Absent?
	switch f.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		if f.IsNil() {
			if r.required {
				ve.addNull(path)
			}
			return
		}
	}
	for f.Kind() == reflect.Pointer {
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		s := f.String()
		if r.required && s == "" && r.minLen == nil {
			ve.addNull(path)
			return
		}
		ve.msgs = r.str.Check(ve.msgs, s, path)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n := f.Int()
		s := strconv.FormatInt(n, 10)
		if r.minVal != nil && n < *r.minVal {
			ve.add(path, &s, cognitorules.MinValue(*r.minVal))
		}
		if r.maxVal != nil && n > *r.maxVal {
			ve.add(path, &s, cognitorules.MaxValue(*r.maxVal))
		}
	case reflect.Slice:
		n := f.Len()
		if r.minLen != nil && n < *r.minLen {
			ve.add(path, nil, cognitorules.MinLength(*r.minLen))
		}
		if r.maxLen != nil && n > *r.maxLen {
			ve.add(path, nil, cognitorules.MaxLength(*r.maxLen))
		}
		for i := 0; i < n; i++ {
			e := f.Index(i)
			ep := fmt.Sprintf("%s.%d.member", path, i+1)
			if e.Kind() == reflect.String {
				// An element is held to the enum, then the pattern (the
				// list's length bounds are the list's, not the element's).
				s := e.String()
				if r.str.Enum != nil && !contains(r.str.Enum, s) {
					ve.add(ep, shown(r, s), cognitorules.Enum(r.str.Enum))
				}
				if p := r.str.Pattern; p != nil && !p.Match(s) {
					ve.add(ep, shown(r, s), p.Constraint())
				}
				continue
			}
			if r.dive {
				validateValue(e, ep, ve)
			}
		}
	case reflect.Struct:
		if r.dive {
			validateValue(f, path, ve)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonObject is a structure member kept as raw JSON (echoed as sent, or
// accepted and ignored). Like every typed member it refuses a value of the
// wrong JSON type, which the decoder reports as a SerializationException;
// json.RawMessage would take a string or a number and store it.
type jsonObject json.RawMessage

var objectType = reflect.TypeFor[map[string]any]()

// UnmarshalJSON accepts an object or null.
func (o *jsonObject) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*o = nil
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		kind := "string"
		switch {
		case len(b) == 0:
		case b[0] == '[':
			kind = "array"
		case b[0] == 't' || b[0] == 'f':
			kind = "bool"
		case b[0] != '"':
			kind = "number"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: objectType}
	}
	*o = append((*o)[:0], b...)
	return nil
}

// MarshalJSON writes the object as received.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	if o == nil {
		return []byte("null"), nil
	}
	return o, nil
}
