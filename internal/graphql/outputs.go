package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"userpool/internal/userpool"
)

// OutputsVersion is the amplify_outputs.json schema version written.
const OutputsVersion = "1.4"

// OutputsInput names what goes into amplify_outputs.json.
type OutputsInput struct {
	PoolID   string
	ClientID string // "": the pool's first app client
	// BaseURL is where clients reach this server (http://127.0.0.1:9229).
	BaseURL string
	// IdentityPoolID, if any.
	IdentityPoolID string
	// API, if any: the data section with its custom operations.
	API *API
}

// Outputs builds the amplify_outputs.json of a pool (and an API): the auth
// section Amplify.configure reads and the data section generateClient()
// reads, with the custom operations in Amplify's model introspection
// schema. Real AWS has no userPoolEndpoint member; ConfigureSnippet points
// Auth at this server, and custom.userpool_endpoint carries the URL.
func Outputs(ctx context.Context, svc *userpool.Service, in OutputsInput) ([]byte, error) {
	p, err := svc.GetPool(ctx, in.PoolID)
	if err != nil {
		return nil, err
	}
	clientID := in.ClientID
	if clientID == "" {
		cs, _, err := svc.ListClients(ctx, p.ID, 60, "")
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			return nil, fmt.Errorf("pool %s has no app client", p.ID)
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].CreatedAt.Before(cs[j].CreatedAt) })
		clientID = cs[0].ID
	} else if _, err := svc.GetClient(ctx, p.ID, clientID); err != nil {
		return nil, err
	}
	region, _, _ := strings.Cut(p.ID, "_")
	st := p.Settings
	auth := object{
		{"aws_region", region},
		{"user_pool_id", p.ID},
		{"user_pool_client_id", clientID},
	}
	if in.IdentityPoolID != "" {
		auth = append(auth, member{"identity_pool_id", in.IdentityPoolID})
	}
	pp := st.PasswordPolicy
	auth = append(auth, member{"password_policy", object{
		{"min_length", pp.MinimumLength}, {"require_numbers", pp.RequireNumbers},
		{"require_lowercase", pp.RequireLowercase}, {"require_uppercase", pp.RequireUppercase},
		{"require_symbols", pp.RequireSymbols},
	}})
	required := []string{}
	for _, a := range st.Schema {
		if a.Required && !a.Custom {
			required = append(required, a.Name)
		}
	}
	auth = append(auth, member{"standard_required_attributes", required})
	users := []string{}
	users = append(users, st.UsernameAttributes...)
	if len(users) == 0 {
		users = append(users, "username")
	}
	auth = append(auth, member{"username_attributes", users})
	verify := []string{}
	verify = append(verify, st.AutoVerifiedAttributes...)
	if len(verify) == 0 {
		verify = append(verify, "email")
	}
	auth = append(auth, member{"user_verification_types", verify})
	if in.IdentityPoolID != "" {
		auth = append(auth, member{"unauthenticated_identities_enabled", true})
	}
	mfa, methods := "NONE", []string{}
	switch st.MfaConfiguration {
	case "ON":
		mfa = "REQUIRED"
	case "OPTIONAL":
		mfa = "OPTIONAL"
	}
	if mfa != "NONE" {
		if st.SoftwareTokenMfa {
			methods = append(methods, "TOTP")
		} else {
			methods = append(methods, "SMS")
		}
	}
	auth = append(auth, member{"mfa_configuration", mfa}, member{"mfa_methods", methods})
	groups := []any{}
	gs, _, err := svc.ListGroups(ctx, p.ID, 60, "")
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		prec := int64(0)
		if g.Precedence != nil {
			prec = *g.Precedence
		}
		groups = append(groups, map[string]any{g.Name: map[string]any{"precedence": prec}})
	}
	auth = append(auth, member{"groups", groups})

	base := strings.TrimSuffix(in.BaseURL, "/")
	out := object{
		{"$schema", "https://raw.githubusercontent.com/aws-amplify/amplify-backend/main/packages/client-config/src/client-config-schema/schema_v1.4.json"},
		{"version", OutputsVersion},
		{"auth", auth},
	}
	if in.API != nil {
		out = append(out, member{"data", object{
			{"aws_region", region},
			{"url", base + PathPrefix + "/" + in.API.Name},
			{"default_authorization_type", "AMAZON_COGNITO_USER_POOLS"},
			{"authorization_types", []string{}},
			{"model_introspection", in.API.ModelIntrospection()},
		}})
	}
	out = append(out, member{"custom", object{{"userpool_endpoint", base}}})
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ModelIntrospection is the API in Amplify's model introspection schema
// (version 1): no models, the custom operations under queries and
// mutations, as generateClient() reads them.
func (a API) ModelIntrospection() any {
	queries, mutations := object{}, object{}
	for _, op := range a.Operations {
		t, _ := parseType(op.Returns)
		entry := object{{"name", op.Name}}
		entry = append(entry, misType(t)...)
		args := object{}
		for _, arg := range op.Arguments {
			at, _ := parseType(arg.Type)
			args = append(args, member{arg.Name, append(object{{"name", arg.Name}}, misType(at)...)})
		}
		entry = append(entry, member{"arguments", args})
		if op.Kind == Mutation {
			mutations = append(mutations, member{op.Name, entry})
		} else {
			queries = append(queries, member{op.Name, entry})
		}
	}
	mis := object{{"version", 1}, {"models", object{}}, {"enums", object{}}, {"nonModels", object{}}}
	if len(queries) > 0 {
		mis = append(mis, member{"queries", queries})
	}
	if len(mutations) > 0 {
		mis = append(mis, member{"mutations", mutations})
	}
	return mis
}

// misType: isArray, type, isRequired (of the element for a list) and
// isArrayNullable, as the data client builds "[T!]!" back from them.
func misType(t typeRef) object {
	if !t.List {
		return object{{"isArray", false}, {"type", t.Name}, {"isRequired", t.Required}}
	}
	return object{{"isArray", true}, {"type", t.Name}, {"isRequired", t.ElemRequired}, {"isArrayNullable", !t.Required}}
}

// ConfigureSnippet is the front-end code that loads amplify_outputs.json
// and points Auth at this server (Amplify's userPoolEndpoint).
func ConfigureSnippet(baseURL string) string {
	return fmt.Sprintf(`import { Amplify } from "aws-amplify";
import outputs from "./amplify_outputs.json";

Amplify.configure(outputs);
const config = Amplify.getConfig();
Amplify.configure({
  ...config,
  Auth: { Cognito: { ...config.Auth.Cognito, userPoolEndpoint: %q } },
});
`, strings.TrimSuffix(baseURL, "/"))
}
