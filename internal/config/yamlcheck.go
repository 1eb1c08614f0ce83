package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The YAML decoder reports one problem at a time, in Go's words and without
// the file ("field passwrd not found in type config.Password"). checkYAML
// walks the document against the Config type first and reports every
// problem at once, each as file:line:column with the path in the file, and
// for an unknown field the valid names of that section (and the nearest
// one).

// DecodeError is every problem found while decoding a configuration file.
type DecodeError struct {
	File     string
	Problems []string // each "file:line:column: message"
}

func (e *DecodeError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%d problems in %s:\n  %s", len(e.Problems), e.File, strings.Join(e.Problems, "\n  "))
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeYAML decodes b (the file name) over cfg, or returns a *DecodeError.
func decodeYAML(name string, b []byte, cfg any) error { // cfg: a pointer to a struct (*Config, *Seed)
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		msg := err.Error()
		if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
			// The YAML parser knows the line of a syntax error, not the column.
			return &DecodeError{File: name, Problems: []string{fmt.Sprintf("%s:%s: %s", name, m[1], m[2])}}
		}
		return &DecodeError{File: name, Problems: []string{fmt.Sprintf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))}}
	}
	c := &yamlChecker{file: name}
	if len(doc.Content) > 0 {
		c.walk(doc.Content[0], reflect.TypeOf(cfg).Elem(), "")
	}
	if len(c.problems) > 0 {
		return &DecodeError{File: name, Problems: c.problems}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	if err := doc.Content[0].Decode(cfg); err != nil {
		// Not expected after the walk; reported with the file all the same.
		return &DecodeError{File: name, Problems: []string{fmt.Sprintf("%s: %s", name, cleanYAMLError(err))}}
	}
	return nil
}

type yamlChecker struct {
	file     string
	problems []string
}

func (c *yamlChecker) add(n *yaml.Node, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("%s:%d:%d: ", c.file, n.Line, n.Column)+fmt.Sprintf(format, args...))
}

var (
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	yamlUnmarshaler = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	durationType    = reflect.TypeOf(time.Duration(0))
)

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (c *yamlChecker) walk(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if isNull(n) {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	where := path
	if where == "" {
		where = "the top level"
	}
	pt := reflect.PointerTo(t)
	if t != durationType && !pt.Implements(textUnmarshaler) && !pt.Implements(yamlUnmarshaler) {
		switch t.Kind() {
		case reflect.Struct:
			if n.Kind != yaml.MappingNode {
				c.add(n, "%s: expected a mapping (name: value), got %s", where, kindName(n))
				return
			}
			fields := yamlFieldsOf(t)
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if seen[k.Value] {
					c.add(k, "%s is set twice", join(path, k.Value))
					continue
				}
				seen[k.Value] = true
				f, ok := fields[k.Value]
				if !ok {
					c.add(k, "%s", unknownField(k.Value, path, t))
					continue
				}
				c.walk(v, f.Type, join(path, k.Value))
			}
			return
		case reflect.Slice:
			if n.Kind != yaml.SequenceNode {
				c.add(n, "%s: expected a list, got %s", where, kindName(n))
				return
			}
			for i, e := range n.Content {
				c.walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
			return
		case reflect.Map:
			if n.Kind != yaml.MappingNode {
				c.add(n, "%s: expected a mapping, got %s", where, kindName(n))
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				c.walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
			}
			return
		}
	}
	// A single value: let the decoder judge it.
	if n.Kind != yaml.ScalarNode {
		c.add(n, "%s: expected %s, got %s", where, describe(t), kindName(n))
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		msg := cleanYAMLError(err)
		if strings.HasPrefix(msg, "cannot unmarshal") {
			msg = fmt.Sprintf("%q is not %s", n.Value, describe(t))
		}
		c.add(n, "%s: %s", where, msg)
	}
}

var yamlErrPrefixRe = regexp.MustCompile(`^(yaml: )?(unmarshal errors:\s*)?(line \d+: )?`)

func cleanYAMLError(err error) string {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	return yamlErrPrefixRe.ReplaceAllString(msg, "")
}

func describe(t reflect.Type) string {
	if t == durationType {
		return "a duration like 30s, 5m or 1h"
	}
	if t == reflect.TypeOf(Validity{}) {
		return "a validity like 60m, 1h or 30d"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	}
	return "a " + t.String()
}

// yamlFieldsOf maps the yaml names of a struct's fields to the fields.
func yamlFieldsOf(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f
	}
	return m
}

// yamlNames lists a struct's yaml names in declaration order.
func yamlNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

func unknownField(name, path string, t reflect.Type) string {
	names := yamlNames(t)
	where := ""
	if path != "" {
		where = " in " + path
	}
	msg := fmt.Sprintf("unknown field %q%s", name, where)
	if near := nearest(name, names); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + "; valid: " + strings.Join(names, ", ")
}

// nearest is the name closest to s by edit distance, if close enough to be
// a likely typo ("" otherwise).
func nearest(s string, names []string) string {
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(s, n); d < bestD || (d == bestD && n < best) {
			best, bestD = n, d
		}
	}
	if bestD <= 2 || bestD <= len(s)/3 {
		return best
	}
	// A name cut short or run on ("loggin" for "log").
	for _, n := range names {
		if len(n) >= 3 && (strings.HasPrefix(s, n) || strings.HasPrefix(n, s)) {
			return n
		}
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
