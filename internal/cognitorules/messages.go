package cognitorules

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AWS reports member-constraint failures as InvalidParameterException with
// the text of its Coral framework, member paths in camelCase and list
// elements as "name.N.member" (1-based):
//
//	1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60
//	2 validation errors detected: <violation>; <violation>
//
// The functions below are the only place that text is written.

// Violation is one failure: "Value '<value>' at '<path>' failed to satisfy
// constraint: <constraint>"; a nil value (a sensitive member) is not echoed:
// "Value at '<path>' ...".
func Violation(path string, value *string, constraint string) string {
	if value == nil {
		return "Value at '" + path + "' failed to satisfy constraint: " + constraint
	}
	return "Value '" + *value + "' at '" + path + "' failed to satisfy constraint: " + constraint
}

// NullViolation is a required member's absence.
func NullViolation(path string) string {
	return "Value null at '" + path + "' failed to satisfy constraint: " + NotNull
}

// Message is the whole message of one or more violations.
func Message(violations ...string) string {
	if len(violations) == 1 {
		return "1 validation error detected: " + violations[0]
	}
	return strconv.Itoa(len(violations)) + " validation errors detected: " + strings.Join(violations, "; ")
}

// Constraint texts.
const (
	NotNull   = "Member must not be null"
	ValidUTF8 = "Member must be valid UTF-8"
)

// MinLength is a string's (runes) or a list's lower length bound.
func MinLength(n int) string {
	return fmt.Sprintf("Member must have length greater than or equal to %d", n)
}

// MaxLength is a string's (runes) or a list's upper length bound.
func MaxLength(n int) string {
	return fmt.Sprintf("Member must have length less than or equal to %d", n)
}

// MinValue is an integer's lower bound.
func MinValue(n int64) string {
	return fmt.Sprintf("Member must have value greater than or equal to %d", n)
}

// MaxValue is an integer's upper bound.
func MaxValue(n int64) string {
	return fmt.Sprintf("Member must have value less than or equal to %d", n)
}

// Enum is an enumeration's constraint.
func Enum(values []string) string {
	return "Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]"
}

// Member is the constraints of one string member.
type Member struct {
	Name      string   // camelCase member name: the path when Check is given none
	Min, Max  int      // length in runes; Max 0 is no upper bound
	Pattern   *Pattern // full match; not applied to ""
	Enum      []string // allowed values; nil: any
	Sensitive bool     // the value is not echoed
}

// Check appends the violations of value at path ("": m.Name) to v, in
// Coral's order: length, pattern, enum. A value that is not valid UTF-8 has
// that one violation.
func (m *Member) Check(v []string, value, path string) []string {
	if path == "" {
		path = m.Name
	}
	shown := &value
	if m.Sensitive {
		shown = nil
	}
	if !utf8.ValidString(value) {
		return append(v, Violation(path, shown, ValidUTF8))
	}
	n := utf8.RuneCountInString(value)
	if n < m.Min {
		v = append(v, Violation(path, shown, MinLength(m.Min)))
	}
	if m.Max > 0 && n > m.Max {
		v = append(v, Violation(path, shown, MaxLength(m.Max)))
	}
	if m.Pattern != nil && value != "" && !m.Pattern.Match(value) {
		v = append(v, Violation(path, shown, m.Pattern.Constraint()))
	}
	if m.Enum != nil && !contains(m.Enum, value) {
		v = append(v, Violation(path, shown, Enum(m.Enum)))
	}
	return v
}

// Valid reports whether value satisfies every constraint.
func (m *Member) Valid(value string) bool { return len(m.Check(nil, value, "")) == 0 }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
