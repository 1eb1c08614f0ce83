package config

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// docs/configuration.md is rendered from the configuration structs: their
// yaml names, types, Defaults() and doc comments. This test fails when the
// file differs from the rendering; regenerate it with
//
//	go generate ./internal/config
//
// (which runs this test with -update-docs).

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/configuration.md from the configuration structs")

const referencePath = "../../docs/configuration.md"

func TestConfigurationReference(t *testing.T) {
	got := renderReference(t)
	if *updateDocs {
		if err := os.WriteFile(referencePath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (generate it: go generate ./internal/config)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/configuration.md is not what the configuration structs render; run: go generate ./internal/config")
	}
}

// docComments maps "Type.Field" (and "Type") of this package's source to
// their doc comments, each joined into one paragraph.
func docComments(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	text := func(groups ...*ast.CommentGroup) string {
		var parts []string
		for _, g := range groups {
			if g != nil {
				parts = append(parts, strings.Join(strings.Fields(g.Text()), " "))
			}
		}
		return strings.Join(parts, " ")
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				out[ts.Name.Name] = text(doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				// A comment above a run of fields without their own
				// comments describes the whole run.
				var shared string
				for _, fl := range st.Fields.List {
					d := text(fl.Doc, fl.Comment)
					if fl.Doc != nil {
						shared = text(fl.Doc)
					} else if fl.Comment == nil {
						d = shared
					}
					if fl.Doc == nil && fl.Comment != nil {
						shared = ""
					}
					for _, n := range fl.Names {
						out[ts.Name.Name+"."+n.Name] = d
					}
				}
			}
		}
	}
	return out
}

func typeName(t reflect.Type) string {
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		return "duration (`30s`, `5m`, `1h`)"
	case t == reflect.TypeOf(Validity{}):
		return "validity (`60m`, `1h`, `30d`)"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem())
	case reflect.Bool:
		return "bool"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct {
			return "list of objects"
		}
		return "list of " + typeName(t.Elem())
	case reflect.Map:
		return "map of " + typeName(t.Elem())
	case reflect.Struct:
		return "object"
	}
	return t.String()
}

func defaultText(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice || v.Kind() == reflect.Map || v.Kind() == reflect.Struct {
		return ""
	}
	if v.IsZero() {
		return ""
	}
	if d, ok := v.Interface().(time.Duration); ok {
		return "`" + d.String() + "`"
	}
	return fmt.Sprintf("`%v`", v.Interface())
}

func renderReference(t *testing.T) []byte {
	docs := docComments(t)
	var b bytes.Buffer
	b.WriteString(`# Configuration reference

<!-- Generated from internal/config by "go generate ./internal/config"; do not edit.
     A test fails when this file and the structs disagree. -->

` + "`userpool serve --config userpool.yaml`" + ` reads one YAML file. Unknown fields are refused
(each problem with file:line:column and the valid names); then every value is checked and all
problems are listed by path. Pools, groups, app clients and principals are applied at every start:
created or updated, never deleted. Environment overrides: ` + "`USERPOOL_STORE`" + ` (store.dsn),
` + "`USERPOOL_LISTEN`" + ` (server.listen), ` + "`USERPOOL_MASTER_KEY`" + ` (the master key); command-line flags
override both.

Pool and app-client fields are Cognito's CreateUserPool / CreateUserPoolClient members in
snake_case (` + "`AutoVerifiedAttributes`" + ` is ` + "`auto_verified_attributes`" + `); a test checks that every
member of the API has a field here. Members a file does not declare keep the value the pool has.

`)
	type section struct {
		path string
		t    reflect.Type
		def  reflect.Value
	}
	queue := []section{{"", reflect.TypeOf(Config{}), reflect.ValueOf(Defaults())}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		title := s.path
		if title == "" {
			title = "top level"
		}
		fmt.Fprintf(&b, "## %s\n\n", title)
		if d := docs[s.t.Name()]; d != "" && s.path != "" {
			b.WriteString(d + "\n\n")
		}
		b.WriteString("| field | type | default | description |\n|---|---|---|---|\n")
		var next []section
		for i := 0; i < s.t.NumField(); i++ {
			f := s.t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			var dv reflect.Value
			if s.def.IsValid() {
				dv = s.def.Field(i)
			}
			desc := docs[s.t.Name()+"."+f.Name]
			if desc == "" {
				et := f.Type
				for et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct && et.PkgPath() == s.t.PkgPath() {
					desc = docs[et.Name()] // the section's own description
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", name, typeName(f.Type), defaultText(dv),
				strings.ReplaceAll(desc, "|", `\|`))
			et := f.Type
			suffix := ""
			for et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice {
				if et.Kind() == reflect.Slice {
					suffix += "[]"
				}
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && et != reflect.TypeOf(Validity{}) && et.PkgPath() == s.t.PkgPath() {
				p := name + suffix
				if s.path != "" {
					p = s.path + "." + p
				}
				var sub reflect.Value
				if dv.IsValid() && dv.Kind() == reflect.Struct {
					sub = dv
				}
				next = append(next, section{p, et, sub})
			}
		}
		b.WriteString("\n")
		queue = append(next, queue...)
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}
