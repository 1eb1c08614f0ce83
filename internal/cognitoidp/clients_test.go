package cognitoidp_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var (
	wireClientIDRE     = regexp.MustCompile(`^[0-9a-z]{26}$`)
	wireClientSecretRE = regexp.MustCompile(`^[0-9a-z]{51}$`)
)

func createPool(t *testing.T, client *cip.Client, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{PoolName: aws.String("pool")}
	}
	out, err := client.CreateUserPool(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.UserPool.Id)
}

func TestCreateUserPoolClientDefaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, svc, _ := newTestEnv(t)
	poolID := createPool(t, client, nil)

	out, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("web app"), GenerateSecret: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.UserPoolClient
	if !wireClientIDRE.MatchString(aws.ToString(c.ClientId)) || !wireClientSecretRE.MatchString(aws.ToString(c.ClientSecret)) {
		t.Fatalf("id %q secret %q", aws.ToString(c.ClientId), aws.ToString(c.ClientSecret))
	}
	if aws.ToString(c.UserPoolId) != poolID || aws.ToString(c.ClientName) != "web app" || c.CreationDate == nil || c.LastModifiedDate == nil {
		t.Errorf("identity %+v", c)
	}
	wantFlows := []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	if !slices.Equal(c.ExplicitAuthFlows, wantFlows) {
		t.Errorf("flows %v", c.ExplicitAuthFlows)
	}
	if aws.ToInt32(c.AccessTokenValidity) != 60 || aws.ToInt32(c.IdTokenValidity) != 60 || c.RefreshTokenValidity != 30 {
		t.Errorf("validities %d %d %d", aws.ToInt32(c.AccessTokenValidity), aws.ToInt32(c.IdTokenValidity), c.RefreshTokenValidity)
	}
	u := c.TokenValidityUnits
	if u == nil || u.AccessToken != types.TimeUnitsTypeMinutes || u.IdToken != types.TimeUnitsTypeMinutes || u.RefreshToken != types.TimeUnitsTypeDays {
		t.Errorf("units %+v", u)
	}
	if c.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy || !aws.ToBool(c.EnableTokenRevocation) ||
		aws.ToInt32(c.AuthSessionValidity) != 3 || aws.ToBool(c.AllowedOAuthFlowsUserPoolClient) {
		t.Errorf("defaults %+v", c)
	}
	if c.ReadAttributes != nil || c.WriteAttributes != nil {
		t.Errorf("read/write attributes echoed though not given: %v %v", c.ReadAttributes, c.WriteAttributes)
	}

	// The domain sees the same client by id alone, secret included.
	dc, err := svc.GetClientByID(ctx, aws.ToString(c.ClientId))
	if err != nil || dc.Secret != aws.ToString(c.ClientSecret) || dc.PoolID != poolID {
		t.Fatalf("GetClientByID %+v %v", dc, err)
	}
}

func TestUserPoolClientRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, svc, _ := newTestEnv(t)
	poolID := createPool(t, client, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString}}})

	in := &cip.CreateUserPoolClientInput{
		UserPoolId:                      aws.String(poolID),
		ClientName:                      aws.String("spa"),
		AccessTokenValidity:             aws.Int32(15),
		IdTokenValidity:                 aws.Int32(2),
		RefreshTokenValidity:            90,
		TokenValidityUnits:              &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeMinutes},
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		ReadAttributes:                  []string{"email", "custom:tier"},
		WriteAttributes:                 []string{"email", "custom:tier"},
		CallbackURLs:                    []string{"https://app.example.com/cb"},
		LogoutURLs:                      []string{"https://app.example.com/bye"},
		DefaultRedirectURI:              aws.String("https://app.example.com/cb"),
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "email"},
		AllowedOAuthFlowsUserPoolClient: true,
		SupportedIdentityProviders:      []string{"COGNITO"},
		PreventUserExistenceErrors:      types.PreventUserExistenceErrorTypesEnabled,
		EnableTokenRevocation:           aws.Bool(false),
		AuthSessionValidity:             aws.Int32(10),
		RefreshTokenRotation:            &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(10)},
		ClientSecret:                    aws.String("abcdefghijklmnopqrstuvwxyz0123456789"),
	}
	out, err := client.CreateUserPoolClient(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := out.UserPoolClient.ClientId
	d, err := client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: id})
	if err != nil {
		t.Fatal(err)
	}
	c := d.UserPoolClient
	if aws.ToString(c.ClientSecret) != "abcdefghijklmnopqrstuvwxyz0123456789" {
		t.Errorf("secret %q", aws.ToString(c.ClientSecret))
	}
	if aws.ToInt32(c.AccessTokenValidity) != 15 || c.TokenValidityUnits.AccessToken != "minutes" ||
		aws.ToInt32(c.IdTokenValidity) != 2 || c.TokenValidityUnits.IdToken != "hours" ||
		c.RefreshTokenValidity != 90 || c.TokenValidityUnits.RefreshToken != "minutes" {
		t.Errorf("validities %d%s %d%s %d%s", aws.ToInt32(c.AccessTokenValidity), c.TokenValidityUnits.AccessToken,
			aws.ToInt32(c.IdTokenValidity), c.TokenValidityUnits.IdToken, c.RefreshTokenValidity, c.TokenValidityUnits.RefreshToken)
	}
	if !slices.Equal(c.ReadAttributes, in.ReadAttributes) || !slices.Equal(c.WriteAttributes, in.WriteAttributes) ||
		!slices.Equal(c.CallbackURLs, in.CallbackURLs) || !slices.Equal(c.LogoutURLs, in.LogoutURLs) ||
		!slices.Equal(c.AllowedOAuthScopes, in.AllowedOAuthScopes) || !slices.Equal(c.AllowedOAuthFlows, in.AllowedOAuthFlows) ||
		!slices.Equal(c.SupportedIdentityProviders, in.SupportedIdentityProviders) || !slices.Equal(c.ExplicitAuthFlows, in.ExplicitAuthFlows) {
		t.Errorf("lists not echoed: %+v", c)
	}
	if aws.ToString(c.DefaultRedirectURI) != "https://app.example.com/cb" || !aws.ToBool(c.AllowedOAuthFlowsUserPoolClient) ||
		c.PreventUserExistenceErrors != "ENABLED" || aws.ToBool(c.EnableTokenRevocation) || aws.ToInt32(c.AuthSessionValidity) != 10 {
		t.Errorf("settings %+v", c)
	}
	if c.RefreshTokenRotation == nil || c.RefreshTokenRotation.Feature != types.FeatureTypeEnabled || aws.ToInt32(c.RefreshTokenRotation.RetryGracePeriodSeconds) != 10 {
		t.Errorf("rotation %+v", c.RefreshTokenRotation)
	}

	dc, err := svc.GetClient(ctx, poolID, aws.ToString(id))
	if err != nil {
		t.Fatal(err)
	}
	if dc.AccessTokenValidity().Minutes() != 15 || dc.IDTokenValidity().Hours() != 2 || dc.RefreshTokenValidity().Minutes() != 90 {
		t.Errorf("domain validities %v %v %v", dc.AccessTokenValidity(), dc.IDTokenValidity(), dc.RefreshTokenValidity())
	}

	// Update: name and validity change; omitted members go back to defaults.
	up, err := client.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientId: id, ClientName: aws.String("spa2"), AccessTokenValidity: aws.Int32(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	uc := up.UserPoolClient
	if aws.ToString(uc.ClientName) != "spa2" || aws.ToInt32(uc.AccessTokenValidity) != 2 || uc.TokenValidityUnits.AccessToken != "hours" ||
		aws.ToString(uc.ClientSecret) != "abcdefghijklmnopqrstuvwxyz0123456789" || len(uc.CallbackURLs) != 0 ||
		uc.PreventUserExistenceErrors != "LEGACY" || len(uc.ExplicitAuthFlows) != 3 {
		t.Errorf("updated %+v", uc)
	}
}

func TestListAndDeleteUserPoolClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	poolID := createPool(t, client, nil)
	created := map[string]string{}
	for _, name := range []string{"a", "b", "c"} {
		out, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		created[aws.ToString(out.UserPoolClient.ClientId)] = name
	}
	listed := map[string]string{}
	pages := 0
	p := cip.NewListUserPoolClientsPaginator(client, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.UserPoolClients {
			if aws.ToString(d.UserPoolId) != poolID {
				t.Errorf("description %+v", d)
			}
			listed[aws.ToString(d.ClientId)] = aws.ToString(d.ClientName)
		}
	}
	if pages != 2 || len(listed) != 3 {
		t.Fatalf("pages %d listed %v", pages, listed)
	}
	for id, name := range created {
		if listed[id] != name {
			t.Errorf("client %s listed as %q, want %q", id, listed[id], name)
		}
	}
	for id := range created {
		if _, err := client.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
		_, err := client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(id)})
		wantNotFound(t, err, "User pool client "+id+" does not exist.")
	}
	empty, err := client.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID)})
	if err != nil || len(empty.UserPoolClients) != 0 || empty.NextToken != nil {
		t.Fatalf("after delete: %+v %v", empty, err)
	}
}

func TestUserPoolClientErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	poolID := createPool(t, client, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true)}}})
	pool := aws.String(poolID)

	for _, tc := range []struct {
		name string
		in   cip.CreateUserPoolClientInput
		msg  string
	}{
		{"access validity over a day", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(25)}, "Invalid range for token validity."},
		{"id validity under 5 minutes", cip.CreateUserPoolClientInput{IdTokenValidity: aws.Int32(4),
			TokenValidityUnits: &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes}}, "Invalid range for token validity."},
		{"refresh over 10 years", cip.CreateUserPoolClientInput{RefreshTokenValidity: 3651}, "Invalid range for token validity."},
		{"access validity zero", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(0)},
			"1 validation error detected: Value '0' at 'accessTokenValidity' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"auth session validity", cip.CreateUserPoolClientInput{AuthSessionValidity: aws.Int32(16)},
			"1 validation error detected: Value '16' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15"},
		{"mixed flows", cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, ""},
		{"unknown read attribute", cip.CreateUserPoolClientInput{ReadAttributes: []string{"custom:nope"}}, "Invalid read attributes specified while creating a client"},
		{"write misses required", cip.CreateUserPoolClientInput{WriteAttributes: []string{"email"}}, "Invalid write attributes specified while creating a client"},
		{"short secret", cip.CreateUserPoolClientInput{ClientSecret: aws.String("short")},
			"1 validation error detected: Value at 'clientSecret' failed to satisfy constraint: Member must have length greater than or equal to 24"},
		{"bad client name", cip.CreateUserPoolClientInput{ClientName: aws.String("a/b")},
			`1 validation error detected: Value 'a/b' at 'clientName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.UserPoolId = pool
			if in.ClientName == nil {
				in.ClientName = aws.String("c")
			}
			_, err := client.CreateUserPoolClient(ctx, &in)
			wantInvalidParameter(t, err, tc.msg)
		})
	}

	_, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String("us-east-1_nothere00"), ClientName: aws.String("c")})
	wantNotFound(t, err, "User pool us-east-1_nothere00 does not exist.")
	_, err = client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: aws.String("nosuchclient")})
	wantNotFound(t, err, "User pool client nosuchclient does not exist.")
	_, err = client.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: pool, ClientId: aws.String("nosuchclient")})
	wantNotFound(t, err, "User pool client nosuchclient does not exist.")
	_, err = client.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: pool, ClientId: aws.String("nosuchclient")})
	wantNotFound(t, err, "User pool client nosuchclient does not exist.")
	_, err = client.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantNotFound(t, err, "User pool us-east-1_nothere00 does not exist.")
	// ClientId is sensitive in the model: its value is not echoed.
	_, err = client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: aws.String("bad-id")})
	wantInvalidParameter(t, err, `1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+]+`)
	_, err = client.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: aws.Int32(61)})
	wantInvalidParameter(t, err, "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
}
