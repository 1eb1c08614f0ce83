package cognitoidp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/userpool"
)

// postRaw sends one AWS JSON 1.1 request without the SDK (for members the
// SDK would refuse to send, and for golden wire checks).
func postRaw(t *testing.T, url, op, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func wantInvalidParameter(t *testing.T, err error, msg string) {
	t.Helper()
	var e *types.InvalidParameterException
	if !errors.As(err, &e) {
		t.Fatalf("want InvalidParameterException %q, got %T %v", msg, err, err)
	}
	if msg != "" && aws.ToString(e.Message) != msg {
		t.Fatalf("message\n got: %s\nwant: %s", aws.ToString(e.Message), msg)
	}
}

func wantNotFound(t *testing.T, err error, msg string) {
	t.Helper()
	var e *types.ResourceNotFoundException
	if !errors.As(err, &e) {
		t.Fatalf("want ResourceNotFoundException %q, got %T %v", msg, err, err)
	}
	if aws.ToString(e.Message) != msg {
		t.Fatalf("message\n got: %s\nwant: %s", aws.ToString(e.Message), msg)
	}
}

func schemaByName(list []types.SchemaAttributeType) map[string]types.SchemaAttributeType {
	m := map[string]types.SchemaAttributeType{}
	for _, a := range list {
		m[aws.ToString(a.Name)] = a
	}
	return m
}

var wirePoolIDRE = regexp.MustCompile(`^us-east-1_[0-9A-Za-z]{9}$`)

func TestCreateAndDescribeUserPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)

	out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String("my pool"),
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(12), RequireNumbers: true, TemporaryPasswordValidityDays: 3,
		}},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("16")}},
			{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(false)},
		},
		LambdaConfig:        &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:us-east-1:123456789012:function:pre")},
		UserPoolTags:        map[string]string{"team": "auth"},
		DeletionProtection:  types.DeletionProtectionTypeInactive,
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true,
			InviteMessageTemplate: &types.MessageTemplateType{EmailSubject: aws.String("Welcome")}},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	created := out.UserPool
	id := aws.ToString(created.Id)
	if !wirePoolIDRE.MatchString(id) {
		t.Fatalf("pool id %q", id)
	}

	d, err := client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	p := d.UserPool
	if aws.ToString(p.Name) != "my pool" || aws.ToString(p.Arn) != "arn:aws:cognito-idp:us-east-1:000000000000:userpool/"+id {
		t.Errorf("name/arn %s %s", aws.ToString(p.Name), aws.ToString(p.Arn))
	}
	if p.CreationDate == nil || p.LastModifiedDate == nil || !p.CreationDate.Equal(*created.CreationDate) {
		t.Errorf("dates %v %v", p.CreationDate, p.LastModifiedDate)
	}
	pp := p.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 12 || !pp.RequireNumbers || pp.RequireUppercase || pp.TemporaryPasswordValidityDays != 3 {
		t.Errorf("password policy %+v", pp)
	}
	if p.MfaConfiguration != types.UserPoolMfaTypeOff || p.EstimatedNumberOfUsers != 0 || p.DeletionProtection != types.DeletionProtectionTypeInactive {
		t.Errorf("mfa %s users %d deletion %s", p.MfaConfiguration, p.EstimatedNumberOfUsers, p.DeletionProtection)
	}
	if len(p.UsernameAttributes) != 1 || p.UsernameConfiguration == nil || aws.ToBool(p.UsernameConfiguration.CaseSensitive) {
		t.Errorf("username config %v %+v", p.UsernameAttributes, p.UsernameConfiguration)
	}
	if aws.ToString(p.LambdaConfig.PreSignUp) != "arn:aws:lambda:us-east-1:123456789012:function:pre" || p.UserPoolTags["team"] != "auth" {
		t.Errorf("echoed members lost: %+v %v", p.LambdaConfig, p.UserPoolTags)
	}
	if !p.DeviceConfiguration.ChallengeRequiredOnNewDevice || !p.AdminCreateUserConfig.AllowAdminCreateUserOnly ||
		p.AdminCreateUserConfig.UnusedAccountValidityDays != 7 || aws.ToString(p.AdminCreateUserConfig.InviteMessageTemplate.EmailSubject) != "Welcome" {
		t.Errorf("device/admin config %+v %+v", p.DeviceConfiguration, p.AdminCreateUserConfig)
	}
	if len(p.AccountRecoverySetting.RecoveryMechanisms) != 1 || p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault {
		t.Errorf("recovery/email config %+v %+v", p.AccountRecoverySetting, p.EmailConfiguration)
	}
	if p.UserPoolTier != types.UserPoolTierTypeEssentials {
		t.Errorf("tier %s", p.UserPoolTier)
	}

	schema := schemaByName(p.SchemaAttributes)
	if len(p.SchemaAttributes) != 22 {
		t.Errorf("schema has %d attributes", len(p.SchemaAttributes))
	}
	if sub := schema["sub"]; !aws.ToBool(sub.Required) || aws.ToBool(sub.Mutable) || aws.ToString(sub.StringAttributeConstraints.MinLength) != "1" {
		t.Errorf("sub %+v", sub)
	}
	if email := schema["email"]; !aws.ToBool(email.Required) {
		t.Errorf("email should be required: %+v", email)
	}
	tier, ok := schema["custom:tier"]
	if !ok || tier.AttributeDataType != types.AttributeDataTypeString || aws.ToString(tier.StringAttributeConstraints.MaxLength) != "16" || !aws.ToBool(tier.Mutable) {
		t.Errorf("custom:tier %+v (present %v)", tier, ok)
	}
	if score := schema["custom:score"]; aws.ToBool(score.Mutable) || score.NumberAttributeConstraints == nil {
		t.Errorf("custom:score %+v", score)
	}
	if upd := schema["updated_at"]; upd.AttributeDataType != types.AttributeDataTypeNumber || aws.ToString(upd.NumberAttributeConstraints.MinValue) != "0" {
		t.Errorf("updated_at %+v", upd)
	}
}

func TestListUserPoolsPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	want := map[string]bool{}
	for _, name := range []string{"one", "two", "three"} {
		out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		want[aws.ToString(out.UserPool.Id)] = true
	}
	got := map[string]bool{}
	pages := 0
	p := cip.NewListUserPoolsPaginator(client, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, up := range page.UserPools {
			if up.CreationDate == nil || aws.ToString(up.Name) == "" {
				t.Errorf("description %+v", up)
			}
			got[aws.ToString(up.Id)] = true
		}
	}
	if pages != 2 || len(got) != 3 {
		t.Fatalf("pages %d, pools %v", pages, got)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("pool %s not listed", id)
		}
	}
}

func TestUpdateUserPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("before"), MfaConfiguration: types.UserPoolMfaTypeOptional,
		UserPoolTags: map[string]string{"a": "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := out.UserPool.Id
	if _, err := client.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{
		UserPoolId: id, PoolName: aws.String("after"), DeletionProtection: types.DeletionProtectionTypeActive,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(6)}},
	}); err != nil {
		t.Fatal(err)
	}
	d, err := client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		t.Fatal(err)
	}
	p := d.UserPool
	if aws.ToString(p.Name) != "after" || p.DeletionProtection != types.DeletionProtectionTypeActive ||
		aws.ToInt32(p.Policies.PasswordPolicy.MinimumLength) != 6 || p.Policies.PasswordPolicy.RequireSymbols {
		t.Errorf("update not applied: %+v", p)
	}
	// Omitted updatable members are reset to their defaults, as Cognito
	// does; tags are resource metadata and kept (TestUpdateUserPoolKeepsTags).
	if p.MfaConfiguration != types.UserPoolMfaTypeOff || p.UserPoolTags["a"] != "b" {
		t.Errorf("omitted members: mfa %s (want reset), tags %v (want kept)", p.MfaConfiguration, p.UserPoolTags)
	}

	_, err = client.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: id})
	wantInvalidParameter(t, err, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")

	_, err = client.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantNotFound(t, err, "User pool us-east-1_nothere00 does not exist.")
}

func TestDeleteUserPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, _ := newTestEnv(t)
	out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("doomed")})
	if err != nil {
		t.Fatal(err)
	}
	id := out.UserPool.Id
	c, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: id, ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: id})
	wantNotFound(t, err, "User pool "+aws.ToString(id)+" does not exist.")
	_, err = client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: id, ClientId: c.UserPoolClient.ClientId})
	wantNotFound(t, err, "User pool "+aws.ToString(id)+" does not exist.")
	_, err = client.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: id})
	wantNotFound(t, err, "User pool "+aws.ToString(id)+" does not exist.")
}

func TestUserPoolErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, _, srv := newTestEnv(t)

	_, err := client.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantInvalidParameter(t, err, "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")

	_, err = client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bad/name")})
	wantInvalidParameter(t, err, `1 validation error detected: Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`)

	_, err = client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(100)}}})
	wantInvalidParameter(t, err, "1 validation error detected: Value '100' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value less than or equal to 99")

	_, err = client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		UsernameAttributes: []types.UsernameAttributeType{"email"}, AliasAttributes: []types.AliasAttributeType{"email"}})
	wantInvalidParameter(t, err, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")

	_, err = client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("vip"), AttributeDataType: types.AttributeDataTypeBoolean, Required: aws.Bool(true)}}})
	wantInvalidParameter(t, err, "Required custom attributes are not supported currently.")

	_, err = client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantNotFound(t, err, "User pool us-east-1_nothere00 does not exist.")

	_, err = client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("nounderscore")})
	wantInvalidParameter(t, err, `1 validation error detected: Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`)

	// Members the SDK itself insists on: send them absent over raw HTTP.
	for _, tc := range []struct{ op, body, msg string }{
		{"ListUserPools", `{}`, "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"},
		{"CreateUserPool", `{}`, "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"},
		{"DescribeUserPool", `{}`, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
	} {
		resp, body := postRaw(t, srv.URL, tc.op, tc.body)
		want := `{"__type":"InvalidParameterException","message":"` + tc.msg + `"}`
		if resp.StatusCode != http.StatusBadRequest || string(body) != want {
			t.Errorf("%s: %d %s\nwant %s", tc.op, resp.StatusCode, body, want)
		}
	}
}

// BenchmarkDescribeUserPool measures one DescribeUserPool round trip over
// HTTP through the handler, the domain and SQLite. It posts raw requests:
// driving the SDK in a tight loop intermittently fails on the client side
// ("use of closed network connection" while decoding), which a plain
// net/http client decoding the same responses never does.
func BenchmarkDescribeUserPool(b *testing.B) {
	_, _, srv := newTestEnvWith(b, userpool.Options{})
	ctx := context.Background()
	var pool struct{ UserPool struct{ Id string } }
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", strings.NewReader(`{"PoolName":"bench"}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&pool)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	body := `{"UserPoolId":"` + pool.UserPool.Id + `"}`
	for b.Loop() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DescribeUserPool")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 1000 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
}

// The members CreateUserPool/UpdateUserPool (and CreateUserPoolClient/
// UpdateUserPoolClient) share are one embedded struct in the wire shapes:
// on the wire they must behave as each shape's own members, in the model's
// order, with the client's member names in every message.
func TestSharedMembersAreTheShapesOwn(t *testing.T) {
	t.Parallel()
	_, _, srv := newTestEnv(t)
	var pool struct{ UserPool struct{ Id string } }
	mustJSON(t, srv.URL, "CreateUserPool", `{"PoolName":"shared","UserPoolTags":{}}`, &pool)
	poolID := pool.UserPool.Id
	var client struct{ UserPoolClient struct{ ClientId string } }
	mustJSON(t, srv.URL, "CreateUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientName":"noflows","ExplicitAuthFlows":[]}`, &client)
	clientID := client.UserPoolClient.ClientId

	errCases := []struct {
		op, body, typ, msg string
	}{
		{"CreateUserPool", `{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":"7"}}}`,
			"SerializationException", "Unexpected value type for Policies.PasswordPolicy.MinimumLength: expected number"},
		{"UpdateUserPool", `{"UserPoolId":"` + poolID + `","UserPoolTags":[1]}`,
			"SerializationException", "Unexpected value type for UserPoolTags: expected structure"},
		{"CreateUserPoolClient", `{"UserPoolId":"` + poolID + `","ClientName":"x","TokenValidityUnits":"s"}`,
			"SerializationException", "Unexpected value type for TokenValidityUnits: expected structure"},
		{"UpdateUserPoolClient", `{"UserPoolId":"` + poolID + `","ClientId":"` + clientID + `","RefreshTokenRotation":{"RetryGracePeriodSeconds":"1"}}`,
			"SerializationException", "Unexpected value type for RefreshTokenRotation.RetryGracePeriodSeconds: expected number"},
		// Outer members before and after the shared ones keep their places.
		{"UpdateUserPool", `{"MfaConfiguration":"X","PoolName":""}`,
			"InvalidParameterException", "3 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; " +
				"Value 'X' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]; " +
				"Value '' at 'poolName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CreateUserPool", `{"AccountRecoverySetting":{"RecoveryMechanisms":[{"Priority":5,"Name":"admin_only"}]},"AliasAttributes":["x"]}`,
			"InvalidParameterException", "3 validation errors detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null; " +
				"Value '5' at 'accountRecoverySetting.recoveryMechanisms.1.member.priority' failed to satisfy constraint: Member must have value less than or equal to 2; " +
				"Value 'x' at 'aliasAttributes.1.member' failed to satisfy constraint: Member must satisfy enum value set: [phone_number, email, preferred_username]"},
		{"UpdateUserPoolClient", `{"UserPoolId":"` + poolID + `","AuthSessionValidity":2}`,
			"InvalidParameterException", "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; " +
				"Value '2' at 'authSessionValidity' failed to satisfy constraint: Member must have value greater than or equal to 3"},
	}
	for _, c := range errCases {
		resp, body := postRaw(t, srv.URL, c.op, c.body)
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != http.StatusBadRequest || e.Type != c.typ || e.Message != c.msg {
			t.Errorf("%s %s:\n got %d %s\nwant 400 %s %q", c.op, c.body, resp.StatusCode, body, c.typ, c.msg)
		}
	}

	// Empty members read back as they did before the shapes were shared.
	_, body := postRaw(t, srv.URL, "DescribeUserPool", `{"UserPoolId":"`+poolID+`"}`)
	if !strings.Contains(string(body), `"UserPoolTags":{},`) {
		t.Errorf("empty UserPoolTags: %s", body)
	}
	_, body = postRaw(t, srv.URL, "DescribeUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientId":"`+clientID+`"}`)
	if strings.Contains(string(body), "ExplicitAuthFlows") || !strings.Contains(string(body), `"PreventUserExistenceErrors":"LEGACY"`) {
		t.Errorf("client with no flows: %s", body)
	}
}
