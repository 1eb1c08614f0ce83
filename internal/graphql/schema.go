package graphql

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// awsScalars declares AppSync's scalars, as AppSync's own schemas have them
// built in.
const awsScalars = `
"An ISO 8601 date (YYYY-MM-DD)."
scalar AWSDate
"An ISO 8601 time (hh:mm:ss.sss)."
scalar AWSTime
"An ISO 8601 date and time (YYYY-MM-DDThh:mm:ss.sssZ)."
scalar AWSDateTime
"Seconds since 1970-01-01T00:00Z."
scalar AWSTimestamp
"An e-mail address (RFC 822)."
scalar AWSEmail
"A JSON string; parsed into maps, lists or scalars for resolvers."
scalar AWSJSON
"A URL (RFC 1738)."
scalar AWSURL
"A phone number."
scalar AWSPhone
"An IPv4 or IPv6 address."
scalar AWSIPAddress
`

// SDL is the schema of the API in GraphQL's schema language: the AWS
// scalars and a Query and a Mutation type holding the operations.
func (a API) SDL() string {
	var b strings.Builder
	b.WriteString(awsScalars)
	for _, kind := range []string{Query, Mutation} {
		var fields []string
		for _, op := range a.Operations {
			if op.Kind != kind {
				continue
			}
			var f strings.Builder
			f.WriteString("  " + op.Name)
			if len(op.Arguments) > 0 {
				parts := make([]string, len(op.Arguments))
				for i, arg := range op.Arguments {
					parts[i] = arg.Name + ": " + strings.TrimSpace(arg.Type)
				}
				f.WriteString("(" + strings.Join(parts, ", ") + ")")
			}
			f.WriteString(": " + strings.TrimSpace(op.Returns))
			fields = append(fields, f.String())
		}
		if len(fields) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\ntype %s {\n%s\n}\n", parentType(kind), strings.Join(fields, "\n"))
	}
	return b.String()
}

// parentType is the root type name of an operation kind.
func parentType(kind string) string {
	if kind == Mutation {
		return "Mutation"
	}
	return "Query"
}

// loadSchema builds the API's schema with gqlparser.
func (a API) loadSchema() (*ast.Schema, error) {
	return gqlparser.LoadSchema(&ast.Source{Name: a.Name + ".graphql", Input: a.SDL()})
}
