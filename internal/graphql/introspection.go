package graphql

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection (__schema, __type, __typename) over the gqlparser schema,
// as GraphQL's introspection system defines it.

// object is a JSON object that keeps its members in selection order.
type object []member

type member struct {
	Key   string
	Value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// introObj is an object of the introspection types.
type introObj interface {
	typeName() string
	field(name string, args map[string]any) any
}

// resolveIntro answers a selection set over an introspection value.
func resolveIntro(sel ast.SelectionSet, v any, vars map[string]any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case introObj:
		out := object{}
		for _, f := range collectFields(sel, vars) {
			if f.Name == "__typename" {
				out = append(out, member{f.Alias, v.typeName()})
				continue
			}
			out = append(out, member{f.Alias, resolveIntro(f.SelectionSet, v.field(f.Name, f.ArgumentMap(vars)), vars)})
		}
		return out
	case []introObj:
		list := make([]any, len(v))
		for i, e := range v {
			list[i] = resolveIntro(sel, e, vars)
		}
		return list
	default:
		return v
	}
}

// collectFields flattens fragments and applies @skip and @include.
func collectFields(sel ast.SelectionSet, vars map[string]any) []*ast.Field {
	var out []*ast.Field
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if included(s.Directives, vars) {
				out = append(out, s)
			}
		case *ast.InlineFragment:
			if included(s.Directives, vars) {
				out = append(out, collectFields(s.SelectionSet, vars)...)
			}
		case *ast.FragmentSpread:
			if included(s.Directives, vars) && s.Definition != nil {
				out = append(out, collectFields(s.Definition.SelectionSet, vars)...)
			}
		}
	}
	return out
}

func included(ds ast.DirectiveList, vars map[string]any) bool {
	if d := ds.ForName("skip"); d != nil && d.ArgumentMap(vars)["if"] == true {
		return false
	}
	if d := ds.ForName("include"); d != nil && d.ArgumentMap(vars)["if"] == false {
		return false
	}
	return true
}

type schemaIntro struct{ s *ast.Schema }

func (schemaIntro) typeName() string { return "__Schema" }
func (x schemaIntro) field(name string, _ map[string]any) any {
	switch name {
	case "description":
		return nilIfEmpty(x.s.Description)
	case "types":
		names := make([]string, 0, len(x.s.Types))
		for n := range x.s.Types {
			names = append(names, n)
		}
		sort.Strings(names)
		list := make([]introObj, len(names))
		for i, n := range names {
			list[i] = typeIntro{s: x.s, def: x.s.Types[n]}
		}
		return list
	case "queryType":
		return defIntro(x.s, x.s.Query)
	case "mutationType":
		return defIntro(x.s, x.s.Mutation)
	case "subscriptionType":
		return defIntro(x.s, x.s.Subscription)
	case "directives":
		names := make([]string, 0, len(x.s.Directives))
		for n := range x.s.Directives {
			names = append(names, n)
		}
		sort.Strings(names)
		list := make([]introObj, len(names))
		for i, n := range names {
			list[i] = directiveIntro{s: x.s, d: x.s.Directives[n]}
		}
		return list
	}
	return nil
}

func defIntro(s *ast.Schema, d *ast.Definition) any {
	if d == nil {
		return nil
	}
	return typeIntro{s: s, def: d}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// typeIntro is a named type (def) or a wrapping type (list/non-null, ref).
type typeIntro struct {
	s   *ast.Schema
	def *ast.Definition
	ref *ast.Type
}

func typeOf(s *ast.Schema, t *ast.Type) introObj {
	if t.NonNull || t.Elem != nil {
		return typeIntro{s: s, ref: t}
	}
	return typeIntro{s: s, def: s.Types[t.NamedType]}
}

func (typeIntro) typeName() string { return "__Type" }
func (x typeIntro) field(name string, args map[string]any) any {
	if x.ref != nil {
		switch name {
		case "kind":
			if x.ref.NonNull {
				return "NON_NULL"
			}
			return "LIST"
		case "ofType":
			if x.ref.NonNull {
				inner := *x.ref
				inner.NonNull = false
				return typeOf(x.s, &inner)
			}
			return typeOf(x.s, x.ref.Elem)
		}
		return nil
	}
	d := x.def
	if d == nil {
		return nil
	}
	switch name {
	case "kind":
		return string(d.Kind)
	case "name":
		return d.Name
	case "description":
		return nilIfEmpty(d.Description)
	case "specifiedByURL":
		return nil
	case "fields":
		if d.Kind != ast.Object && d.Kind != ast.Interface {
			return nil
		}
		list := []introObj{}
		for _, f := range d.Fields {
			if len(f.Name) > 1 && f.Name[:2] == "__" {
				continue
			}
			list = append(list, fieldIntro{s: x.s, f: f})
		}
		return list
	case "interfaces":
		if d.Kind != ast.Object && d.Kind != ast.Interface {
			return nil
		}
		list := []introObj{}
		for _, n := range d.Interfaces {
			list = append(list, typeIntro{s: x.s, def: x.s.Types[n]})
		}
		return list
	case "possibleTypes":
		if !d.IsAbstractType() {
			return nil
		}
		list := []introObj{}
		for _, p := range x.s.PossibleTypes[d.Name] {
			list = append(list, typeIntro{s: x.s, def: p})
		}
		return list
	case "enumValues":
		if d.Kind != ast.Enum {
			return nil
		}
		list := []introObj{}
		for _, v := range d.EnumValues {
			list = append(list, enumIntro{v: v})
		}
		return list
	case "inputFields":
		if d.Kind != ast.InputObject {
			return nil
		}
		list := []introObj{}
		for _, f := range d.Fields {
			list = append(list, inputIntro{s: x.s, name: f.Name, desc: f.Description, t: f.Type, def: f.DefaultValue})
		}
		return list
	case "isOneOf":
		return false
	}
	return nil
}

type fieldIntro struct {
	s *ast.Schema
	f *ast.FieldDefinition
}

func (fieldIntro) typeName() string { return "__Field" }
func (x fieldIntro) field(name string, _ map[string]any) any {
	switch name {
	case "name":
		return x.f.Name
	case "description":
		return nilIfEmpty(x.f.Description)
	case "args":
		list := []introObj{}
		for _, a := range x.f.Arguments {
			list = append(list, inputIntro{s: x.s, name: a.Name, desc: a.Description, t: a.Type, def: a.DefaultValue})
		}
		return list
	case "type":
		return typeOf(x.s, x.f.Type)
	case "isDeprecated":
		return x.f.Directives.ForName("deprecated") != nil
	case "deprecationReason":
		return nil
	}
	return nil
}

type inputIntro struct {
	s    *ast.Schema
	name string
	desc string
	t    *ast.Type
	def  *ast.Value
}

func (inputIntro) typeName() string { return "__InputValue" }
func (x inputIntro) field(name string, _ map[string]any) any {
	switch name {
	case "name":
		return x.name
	case "description":
		return nilIfEmpty(x.desc)
	case "type":
		return typeOf(x.s, x.t)
	case "defaultValue":
		if x.def == nil {
			return nil
		}
		return x.def.String()
	case "isDeprecated":
		return false
	}
	return nil
}

type enumIntro struct{ v *ast.EnumValueDefinition }

func (enumIntro) typeName() string { return "__EnumValue" }
func (x enumIntro) field(name string, _ map[string]any) any {
	switch name {
	case "name":
		return x.v.Name
	case "description":
		return nilIfEmpty(x.v.Description)
	case "isDeprecated":
		return x.v.Directives.ForName("deprecated") != nil
	}
	return nil
}

type directiveIntro struct {
	s *ast.Schema
	d *ast.DirectiveDefinition
}

func (directiveIntro) typeName() string { return "__Directive" }
func (x directiveIntro) field(name string, _ map[string]any) any {
	switch name {
	case "name":
		return x.d.Name
	case "description":
		return nilIfEmpty(x.d.Description)
	case "isRepeatable":
		return x.d.IsRepeatable
	case "locations":
		list := make([]any, len(x.d.Locations))
		for i, l := range x.d.Locations {
			list[i] = string(l)
		}
		return list
	case "args":
		list := []introObj{}
		for _, a := range x.d.Arguments {
			list = append(list, inputIntro{s: x.s, name: a.Name, desc: a.Description, t: a.Type, def: a.DefaultValue})
		}
		return list
	}
	return nil
}
