package cognitoidp_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func createClient(t *testing.T, client *cip.Client, poolID string) string {
	t.Helper()
	out, err := client.CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.UserPoolClient.ClientId)
}

func TestUserPoolDomains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, svc, _ := newTestEnv(t)
	pool := createPool(t, client, nil)
	other := createPool(t, client, nil)

	out, err := client.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String("my-app")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.ManagedLoginVersion) != 1 || out.CloudFrontDomain != nil {
		t.Fatalf("create prefix domain: %+v", out)
	}
	d, err := client.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("my-app")})
	if err != nil {
		t.Fatal(err)
	}
	dd := d.DomainDescription
	if aws.ToString(dd.UserPoolId) != pool || aws.ToString(dd.Domain) != "my-app" || dd.Status != types.DomainStatusTypeActive ||
		aws.ToString(dd.AWSAccountId) != svc.AccountID() || aws.ToString(dd.S3Bucket) != "aws-cognito-prod-iad-assets" ||
		aws.ToString(dd.CloudFrontDistribution) == "" || len(aws.ToString(dd.Version)) != 14 || aws.ToInt32(dd.ManagedLoginVersion) != 1 {
		t.Fatalf("describe: %+v", dd)
	}

	// Unknown domain: an empty description, no error.
	d, err = client.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("nobody")})
	if err != nil || d.DomainDescription == nil || d.DomainDescription.UserPoolId != nil || d.DomainDescription.Domain != nil {
		t.Fatalf("unknown domain: %+v, %v", d, err)
	}

	for _, c := range []struct {
		pool, domain, code, msg string
		custom                  *types.CustomDomainConfigType
	}{
		{other, "my-app", "InvalidParameterException", "Domain already associated with another user pool.", nil},
		{pool, "my-app", "InvalidParameterException", "Domain already exists.", nil},
		{pool, "second", "InvalidParameterException", "User pool already has a domain configured.", nil},
		{pool, "My_App", "InvalidParameterException", `The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`, nil},
		{other, "my-cognito-app", "InvalidParameterException", "Domain cannot contain reserved word: cognito", nil},
		{"us-east-1_nothere1", "free-one", "ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist.", nil},
	} {
		_, err := client.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(c.pool), Domain: aws.String(c.domain), CustomDomainConfig: c.custom})
		wantErr(t, err, c.code, c.msg)
	}

	// A custom domain beside the prefix one.
	cert := "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	out, err = client.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(cert)}, ManagedLoginVersion: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CloudFrontDomain) == "" || aws.ToInt32(out.ManagedLoginVersion) != 2 {
		t.Fatalf("create custom domain: %+v", out)
	}
	p, err := client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(p.UserPool.Domain) != "my-app" || aws.ToString(p.UserPool.CustomDomain) != "auth.example.com" {
		t.Fatalf("DescribeUserPool domains %q %q", aws.ToString(p.UserPool.Domain), aws.ToString(p.UserPool.CustomDomain))
	}

	// The lookup the hosted login uses.
	gp, gd, err := svc.DomainPool(ctx, "AUTH.example.com")
	if err != nil || gp.ID != pool || !gd.Custom() {
		t.Fatalf("DomainPool: %v %+v %v", gp, gd, err)
	}

	cert2 := "arn:aws:acm:us-east-1:123456789012:certificate/def"
	if _, err := client.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(cert2)}}); err != nil {
		t.Fatal(err)
	}
	d, _ = client.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.example.com")})
	if aws.ToString(d.DomainDescription.CustomDomainConfig.CertificateArn) != cert2 || aws.ToInt32(d.DomainDescription.ManagedLoginVersion) != 2 {
		t.Fatalf("after update: %+v", d.DomainDescription)
	}
	_, err = client.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: aws.String(other), Domain: aws.String("my-app"), ManagedLoginVersion: aws.Int32(2)})
	wantErr(t, err, "InvalidParameterException", "No such domain or user pool exists.")

	// A pool with a domain cannot be deleted.
	_, err = client.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(pool)})
	wantErr(t, err, "InvalidParameterException", "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	_, err = client.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(other), Domain: aws.String("my-app")})
	wantErr(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	for _, dom := range []string{"my-app", "auth.example.com"} {
		if _, err := client.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String(dom)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(pool)}); err != nil {
		t.Fatal(err)
	}
	// The name is free again.
	if _, err := client.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(other), Domain: aws.String("my-app")}); err != nil {
		t.Fatal(err)
	}
}

func TestResourceServersAndClientScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, svc, _ := newTestEnv(t)
	pool := createPool(t, client, nil)
	scopes := []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read")}, {ScopeName: aws.String("write"), ScopeDescription: aws.String("Write")}}
	out, err := client.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com"),
		Name: aws.String("api"), Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ResourceServer.Identifier) != "https://api.example.com" || len(out.ResourceServer.Scopes) != 2 {
		t.Fatalf("create: %+v", out.ResourceServer)
	}
	_, err = client.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com"), Name: aws.String("api")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = client.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("x"), Name: aws.String("x"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("a/b"), ScopeDescription: aws.String("d")}}})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'a/b' at 'scopes.1.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+")

	got, err := svc.CustomScopes(ctx, pool)
	if err != nil || !slices.Equal(got, []string{"https://api.example.com/read", "https://api.example.com/write"}) {
		t.Fatalf("CustomScopes = %v, %v", got, err)
	}

	// App clients may name standard and existing custom scopes only.
	_, err = client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("m2m"),
		AllowedOAuthScopes: []string{"openid", "https://api.example.com/delete"}})
	wantErr(t, err, "ScopeDoesNotExistException", "Invalid scope requested: https://api.example.com/delete")
	c, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("m2m"),
		AllowedOAuthScopes: []string{"openid", "https://api.example.com/read"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: c.UserPoolClient.ClientId,
		AllowedOAuthScopes: []string{"Cognito"}})
	wantErr(t, err, "ScopeDoesNotExistException", "Invalid scope requested: Cognito")

	// Update replaces the name and the scopes.
	up, err := client.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com"),
		Name: aws.String("renamed"), Scopes: scopes[:1]})
	if err != nil || aws.ToString(up.ResourceServer.Name) != "renamed" || len(up.ResourceServer.Scopes) != 1 {
		t.Fatalf("update: %+v %v", up, err)
	}
	desc, err := client.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com")})
	if err != nil || aws.ToString(desc.ResourceServer.Name) != "renamed" || aws.ToString(desc.ResourceServer.Scopes[0].ScopeName) != "read" {
		t.Fatalf("describe: %+v %v", desc, err)
	}

	// Listing pages by identifier; the limit is Cognito's 25.
	for i := 0; i < 24; i++ {
		_, err := client.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String(string(rune('a'+i)) + "-api"), Name: aws.String("n")})
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	_, err = client.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("one-too-many"), Name: aws.String("n")})
	wantErr(t, err, "LimitExceededException", "")
	var ids []string
	p := cip.NewListResourceServersPaginator(client, &cip.ListResourceServersInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(7)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, rs := range page.ResourceServers {
			ids = append(ids, aws.ToString(rs.Identifier))
		}
	}
	if len(ids) != 25 || !slices.IsSorted(ids) {
		t.Fatalf("listed %d: %v", len(ids), ids)
	}

	if _, err := client.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String("https://api.example.com")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

func TestIdentityProviders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	pool := createPool(t, client, nil)
	google := map[string]string{"client_id": "cid", "client_secret": "sec", "authorize_scopes": "openid email"}
	out, err := client.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: google, AttributeMapping: map[string]string{"email": "email"},
		IdpIdentifiers: []string{"gmail"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.IdentityProvider.CreationDate == nil || out.IdentityProvider.ProviderDetails["client_id"] != "cid" {
		t.Fatalf("create: %+v", out.IdentityProvider)
	}
	_, err = client.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: google})
	wantErr(t, err, "DuplicateProviderException", "")
	_, err = client.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "x"}})
	wantErr(t, err, "InvalidParameterException", "The following ProviderDetails keys are required for OIDC: attributes_request_method, oidc_issuer, authorize_scopes.")
	_, err = client.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "x", "attributes_request_method": "GET",
			"oidc_issuer": "https://idp.example.com", "authorize_scopes": "openid"}, IdpIdentifiers: []string{"gmail"}})
	wantErr(t, err, "InvalidParameterException", "The identifier gmail is already used by identity provider Google.")
	if _, err := client.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: map[string]string{"client_id": "x", "attributes_request_method": "GET",
			"oidc_issuer": "https://idp.example.com", "authorize_scopes": "openid"}, IdpIdentifiers: []string{"example.com"}}); err != nil {
		t.Fatal(err)
	}

	byID, err := client.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: aws.String(pool), IdpIdentifier: aws.String("example.com")})
	if err != nil || aws.ToString(byID.IdentityProvider.ProviderName) != "corp" {
		t.Fatalf("by identifier: %+v %v", byID, err)
	}
	_, err = client.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: aws.String(pool), IdpIdentifier: aws.String("none")})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Update merges ProviderDetails.
	up, err := client.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderDetails: map[string]string{"client_secret": "new"}})
	if err != nil || up.IdentityProvider.ProviderDetails["client_id"] != "cid" || up.IdentityProvider.ProviderDetails["client_secret"] != "new" {
		t.Fatalf("update: %+v %v", up, err)
	}
	list, err := client.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: aws.String(pool)})
	if err != nil || len(list.Providers) != 2 || aws.ToString(list.Providers[0].ProviderName) != "Google" || list.Providers[1].ProviderType != types.IdentityProviderTypeTypeOidc {
		t.Fatalf("list: %+v %v", list, err)
	}

	// App clients may name COGNITO and the pool's providers only.
	_, err = client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("web"),
		SupportedIdentityProviders: []string{"COGNITO", "Facebook"}})
	wantErr(t, err, "InvalidParameterException", "The provider Facebook does not exist for User Pool "+pool)
	if _, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("web"),
		SupportedIdentityProviders: []string{"COGNITO", "Google", "corp"}}); err != nil {
		t.Fatal(err)
	}

	if _, err := client.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("corp")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("corp")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

func TestUICustomization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	pool := createPool(t, client, nil)
	cid := createClient(t, client, pool)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)

	set, err := client.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(pool), CSS: aws.String(".banner-customizable {background-color: black;}"), ImageFile: png})
	if err != nil {
		t.Fatal(err)
	}
	ui := set.UICustomization
	if aws.ToString(ui.ClientId) != "ALL" || aws.ToString(ui.ImageUrl) == "" || aws.ToString(ui.CSSVersion) == "" || ui.CreationDate == nil {
		t.Fatalf("set: %+v", ui)
	}
	// A client without its own customization shows the pool's.
	got, err := client.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid)})
	if err != nil || aws.ToString(got.UICustomization.ClientId) != cid || aws.ToString(got.UICustomization.CSS) != aws.ToString(ui.CSS) {
		t.Fatalf("client falls back: %+v %v", got, err)
	}
	if _, err := client.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), CSS: aws.String(".x{}")}); err != nil {
		t.Fatal(err)
	}
	got, _ = client.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid)})
	if aws.ToString(got.UICustomization.CSS) != ".x{}" || got.UICustomization.ImageUrl != nil {
		t.Fatalf("client's own: %+v", got.UICustomization)
	}
	_, err = client.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(pool), ImageFile: []byte("GIF89a....")})
	wantErr(t, err, "InvalidParameterException", "The image file must be a PNG or JPEG image.")
	_, err = client.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String(pool), ClientId: aws.String("nosuchclient")})
	wantErr(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
}

func TestManagedLoginBrandingAndTerms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	pool := createPool(t, client, nil)
	cid := createClient(t, client, pool)

	settings := document.NewLazyDocument(map[string]any{"components": map[string]any{"primaryButton": map[string]any{"lightMode": map[string]any{"defaults": map[string]any{"backgroundColor": "0972d3ff"}}}}})
	b, err := client.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), Settings: settings,
		Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight, Extension: types.AssetExtensionTypePng, Bytes: []byte{1, 2, 3}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(b.ManagedLoginBranding.ManagedLoginBrandingId)
	if len(id) != 36 || b.ManagedLoginBranding.UseCognitoProvidedValues {
		t.Fatalf("create: %+v", b.ManagedLoginBranding)
	}
	_, err = client.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), UseCognitoProvidedValues: true})
	wantErr(t, err, "ManagedLoginBrandingExistsException", "")
	byClient, err := client.DescribeManagedLoginBrandingByClient(ctx, &cip.DescribeManagedLoginBrandingByClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid)})
	if err != nil || aws.ToString(byClient.ManagedLoginBranding.ManagedLoginBrandingId) != id || len(byClient.ManagedLoginBranding.Assets) != 1 {
		t.Fatalf("by client: %+v %v", byClient, err)
	}
	var echoed map[string]any
	if err := byClient.ManagedLoginBranding.Settings.UnmarshalSmithyDocument(&echoed); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(echoed); string(got) != `{"components":{"primaryButton":{"lightMode":{"defaults":{"backgroundColor":"0972d3ff"}}}}}` {
		t.Fatalf("settings echoed as %s", got)
	}
	up, err := client.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: aws.String(pool), ManagedLoginBrandingId: aws.String(id), UseCognitoProvidedValues: true})
	if err != nil || !up.ManagedLoginBranding.UseCognitoProvidedValues || len(up.ManagedLoginBranding.Assets) != 0 {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := client.DeleteManagedLoginBranding(ctx, &cip.DeleteManagedLoginBrandingInput{UserPoolId: aws.String(pool), ManagedLoginBrandingId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeManagedLoginBranding(ctx, &cip.DescribeManagedLoginBrandingInput{UserPoolId: aws.String(pool), ManagedLoginBrandingId: aws.String(id)})
	wantErr(t, err, "ResourceNotFoundException", "")

	links := map[string]string{"cognito:default": "https://example.com/terms"}
	tr, err := client.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), TermsName: aws.String("terms-of-use"),
		TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links})
	if err != nil {
		t.Fatal(err)
	}
	tid := aws.ToString(tr.Terms.TermsId)
	_, err = client.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), TermsName: aws.String("terms-of-use"),
		TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links})
	wantErr(t, err, "TermsExistsException", "")
	_, err = client.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid), TermsName: aws.String("eula"),
		TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'eula' at 'termsName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(terms-of-use|privacy-policy)$")
	ut, err := client.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: aws.String(pool), TermsId: aws.String(tid), TermsName: aws.String("privacy-policy")})
	if err != nil || aws.ToString(ut.Terms.TermsName) != "privacy-policy" || ut.Terms.Links["cognito:default"] == "" {
		t.Fatalf("update terms: %+v %v", ut, err)
	}
	lt, err := client.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String(pool)})
	if err != nil || len(lt.Terms) != 1 || aws.ToString(lt.Terms[0].TermsName) != "privacy-policy" {
		t.Fatalf("list terms: %+v %v", lt, err)
	}
	// Deleting the client deletes its terms.
	if _, err := client.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(cid)}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: aws.String(pool), TermsId: aws.String(tid)})
	wantErr(t, err, "ResourceNotFoundException", "")
}

func TestRiskAndLogDeliveryConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	pool := createPool(t, client, nil)

	none, err := client.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(pool)})
	if err != nil || aws.ToString(none.RiskConfiguration.UserPoolId) != pool || none.RiskConfiguration.CompromisedCredentialsRiskConfiguration != nil {
		t.Fatalf("unset: %+v %v", none, err)
	}
	cc := &types.CompromisedCredentialsRiskConfigurationType{Actions: &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock},
		EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn}}
	set, err := client.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(pool), CompromisedCredentialsRiskConfiguration: cc,
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"10.0.0.0/8"}}})
	if err != nil || set.RiskConfiguration.LastModifiedDate == nil {
		t.Fatalf("set: %+v %v", set, err)
	}
	got, err := client.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(pool)})
	if err != nil || got.RiskConfiguration.CompromisedCredentialsRiskConfiguration.Actions.EventAction != types.CompromisedCredentialsEventActionTypeBlock ||
		got.RiskConfiguration.RiskExceptionConfiguration.BlockedIPRangeList[0] != "10.0.0.0/8" {
		t.Fatalf("describe: %+v %v", got, err)
	}

	ld, err := client.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String(pool)})
	if err != nil || len(ld.LogDeliveryConfiguration.LogConfigurations) != 0 {
		t.Fatalf("unset log delivery: %+v %v", ld, err)
	}
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:cognito"
	_, err = client.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(pool), LogConfigurations: []types.LogConfigurationType{
		{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelInfo, CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String(arn)}}}})
	wantErr(t, err, "InvalidParameterException", "The log level of event source userNotification must be ERROR.")
	if _, err := client.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(pool), LogConfigurations: []types.LogConfigurationType{
		{EventSource: types.EventSourceNameUserNotification, LogLevel: types.LogLevelError, CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String(arn)}}}}); err != nil {
		t.Fatal(err)
	}
	ld, err = client.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String(pool)})
	if err != nil || len(ld.LogDeliveryConfiguration.LogConfigurations) != 1 ||
		aws.ToString(ld.LogDeliveryConfiguration.LogConfigurations[0].CloudWatchLogsConfiguration.LogGroupArn) != arn {
		t.Fatalf("log delivery: %+v %v", ld, err)
	}
}
