package graphql

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// gqlError is an error as AppSync writes it. Field errors carry every
// member (path, data, errorType, errorInfo, locations, message); validation
// errors carry path null, locations and message only; request errors
// (401, 400) errorType and message only.
type gqlError struct {
	Path      []any
	Locations []location
	Message   string
	ErrorType string
	field     bool // a field error: data, errorType and errorInfo members
}

type location struct {
	Line       int `json:"line"`
	Column     int `json:"column"`
	SourceName any `json:"sourceName"`
}

func (e gqlError) MarshalJSON() ([]byte, error) {
	var o object
	if e.field {
		o = object{
			{"path", e.Path}, {"data", nil}, {"errorType", e.ErrorType}, {"errorInfo", nil},
			{"locations", e.Locations}, {"message", e.Message},
		}
	} else if e.ErrorType != "" {
		o = object{{"errorType", e.ErrorType}, {"message", e.Message}}
	} else {
		var path any
		if e.Path != nil {
			path = e.Path
		}
		locs := e.Locations
		if locs == nil {
			locs = []location{}
		}
		o = object{{"path", path}, {"locations", locs}, {"message", e.Message}}
	}
	return o.MarshalJSON()
}

func locations(ls []gqlerror.Location) []location {
	out := make([]location, 0, len(ls))
	for _, l := range ls {
		out = append(out, location{Line: l.Line, Column: l.Column})
	}
	return out
}

// The messages of gqlparser's rules, read for the names graphql-java's
// (AppSync's) messages need.
var (
	reCannotQuery  = regexp.MustCompile(`^Cannot query field "([^"]+)" on type "([^"]+)"`)
	reUnknownArg   = regexp.MustCompile(`^Unknown argument "([^"]+)" on field "(?:[^".]+\.)?([^"]+)"`)
	reMissingArg   = regexp.MustCompile(`^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required`)
	reNoSelection  = regexp.MustCompile(`^Field "([^"]+)" must not have a selection since type "([^"]+)"`)
	reUnknownType  = regexp.MustCompile(`^Unknown type "([^"]+)"`)
	reUndefinedVar = regexp.MustCompile(`^Variable "\$([^"]+)" is not defined`)
	reUnusedVar    = regexp.MustCompile(`^Variable "\$([^"]+)" is never used`)
	reFound        = regexp.MustCompile(`(?:found|Unexpected) (?:Name |String |Int |Float )?"?([^"\s]+)"?`)
)

// validationMessage words a gqlparser validation error as graphql-java
// does: "Validation error of type <Type>: <text> @ '<field>'".
func validationMessage(e *gqlerror.Error) string {
	m := e.Message
	switch e.Rule {
	case "FieldsOnCorrectType", "FieldsOnCorrectTypeWithoutSuggestions":
		if g := reCannotQuery.FindStringSubmatch(m); g != nil {
			return fmt.Sprintf("Validation error of type FieldUndefined: Field '%s' in type '%s' is undefined @ '%s'", g[1], g[2], g[1])
		}
	case "KnownArgumentNames", "KnownArgumentNamesWithoutSuggestions":
		if g := reUnknownArg.FindStringSubmatch(m); g != nil {
			return fmt.Sprintf("Validation error of type UnknownArgument: Unknown field argument %s @ '%s'", g[1], g[2])
		}
	case "ProvidedRequiredArguments":
		if g := reMissingArg.FindStringSubmatch(m); g != nil {
			return fmt.Sprintf("Validation error of type MissingFieldArgument: Missing field argument %s @ '%s'", g[2], g[1])
		}
	case "ScalarLeafs", "ScalarLeafsWithoutSuggestions":
		if g := reNoSelection.FindStringSubmatch(m); g != nil {
			return fmt.Sprintf("Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type %s of field %s @ '%s'", g[2], g[1], g[1])
		}
	case "KnownTypeNames", "KnownTypeNamesWithoutSuggestions":
		if g := reUnknownType.FindStringSubmatch(m); g != nil {
			return "Validation error of type UnknownType: Unknown type " + g[1]
		}
	case "NoUndefinedVariables":
		if g := reUndefinedVar.FindStringSubmatch(m); g != nil {
			return "Validation error of type UndefinedVariable: Undefined variable " + g[1]
		}
	case "NoUnusedVariables":
		if g := reUnusedVar.FindStringSubmatch(m); g != nil {
			return "Validation error of type UnusedVariable: Unused variable " + g[1]
		}
	case "VariablesInAllowedPosition":
		return "Validation error of type VariableTypeMismatch: " + m
	case "ValuesOfCorrectType", "ValuesOfCorrectTypeWithoutSuggestions":
		return "Validation error of type WrongType: " + m
	case "KnownRootType":
		return "Validation error of type UnknownOperation: " + m
	}
	if e.Rule == "" { // a syntax error from the parser
		tok := "<EOF>"
		if g := reFound.FindStringSubmatch(m); g != nil {
			tok = g[1]
		}
		line, col := 1, 1
		if len(e.Locations) > 0 {
			line, col = e.Locations[0].Line, e.Locations[0].Column
		}
		return fmt.Sprintf("Invalid Syntax : offending token '%s' at line %d column %d", tok, line, col)
	}
	return "Validation error of type " + e.Rule + ": " + strings.TrimSuffix(m, ".")
}
