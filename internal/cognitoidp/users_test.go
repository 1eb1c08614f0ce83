package cognitoidp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/password"
	"userpool/internal/userpool"
)

// ugEnv returns a client over a fresh server with cheap password hashing and
// the given domain limits.
func ugEnv(t *testing.T, limits userpool.Limits) (*cip.Client, *userpool.Service) {
	t.Helper()
	c, svc, _ := newTestEnvWith(t, userpool.Options{PasswordParams: password.InsecureTestParams, Limits: limits})
	return c, svc
}

// ugPool creates a pool over the wire and returns its id.
func ugPool(t *testing.T, c *cip.Client, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	if in.PoolName == nil {
		in.PoolName = aws.String("pool")
	}
	out, err := c.CreateUserPool(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return *out.UserPool.Id
}

func ugCreate(t *testing.T, c *cip.Client, pool, username string, attrs ...types.AttributeType) *types.UserType {
	t.Helper()
	out, err := c.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(pool), Username: aws.String(username), UserAttributes: attrs,
		MessageAction: types.MessageActionTypeSuppress,
	})
	if err != nil {
		t.Fatalf("AdminCreateUser(%s): %v", username, err)
	}
	return out.User
}

func ugAttr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

func ugAttrMap(list []types.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range list {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// ugWantAPIErr checks the SDK error's type T and exact message (when msg != "").
func ugWantAPIErr[T smithy.APIError](t *testing.T, err error, msg string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("got %v, want %T", err, target)
	}
	if msg != "" && target.ErrorMessage() != msg {
		t.Fatalf("message %q, want %q", target.ErrorMessage(), msg)
	}
}

// ugWantCode checks an error the SDK cannot type because the model does not
// list it for the operation (it surfaces as a generic smithy.APIError).
func ugWantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("message %q, want %q", ae.ErrorMessage(), msg)
	}
}

func TestE2EAdminCreateAndGetUser(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	before := time.Now().Add(-time.Second)
	u := ugCreate(t, c, pool, "alice", ugAttr("email", "alice@example.com"), ugAttr("email_verified", "true"), ugAttr("name", "Alice"))
	if aws.ToString(u.Username) != "alice" || u.UserStatus != types.UserStatusTypeForceChangePassword || !u.Enabled {
		t.Fatalf("user = %+v", u)
	}
	if u.UserCreateDate == nil || u.UserCreateDate.Before(before) || u.UserLastModifiedDate == nil {
		t.Fatalf("dates = %v %v", u.UserCreateDate, u.UserLastModifiedDate)
	}
	attrs := ugAttrMap(u.Attributes)
	if aws.ToString(u.Attributes[0].Name) != "sub" || attrs["sub"] == "" || attrs["email"] != "alice@example.com" || attrs["email_verified"] != "true" {
		t.Fatalf("attributes = %v", attrs)
	}

	got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Username) != "alice" || ugAttrMap(got.UserAttributes)["sub"] != attrs["sub"] || got.UserStatus != types.UserStatusTypeForceChangePassword ||
		!got.Enabled || got.PreferredMfaSetting != nil || len(got.UserMFASettingList) != 0 || len(got.MFAOptions) != 0 {
		t.Fatalf("AdminGetUser = %+v", got)
	}

	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice")})
	ugWantAPIErr[*types.UsernameExistsException](t, err, "User account already exists")
	_, err = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("bob")})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_nope"), Username: aws.String("bob")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "User pool us-east-1_nope does not exist.")
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("x"),
		UserAttributes: []types.AttributeType{ugAttr("custom:x", "1")}})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: Type for attribute {custom:x} could not be determined")
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("x"), TemporaryPassword: aws.String("weakweak")})
	ugWantAPIErr[*types.InvalidPasswordException](t, err, "Password did not conform with policy: Password must have uppercase characters")
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("ghost"), MessageAction: types.MessageActionTypeResend})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")
	out, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice"), MessageAction: types.MessageActionTypeResend})
	if err != nil || ugAttrMap(out.User.Attributes)["sub"] != attrs["sub"] {
		t.Fatalf("RESEND = %+v, %v", out, err)
	}
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("has space")})
	ugWantAPIErr[*types.InvalidParameterException](t, err,
		`1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("y"),
		UserAttributes: []types.AttributeType{ugAttr(strings.Repeat("n", 33), "v")}})
	ugWantAPIErr[*types.InvalidParameterException](t, err,
		"1 validation error detected: Value '"+strings.Repeat("n", 33)+"' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32")
}

func TestE2EEmailUsernamePool(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, &cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	u := ugCreate(t, c, pool, "Dana@Example.com")
	sub := ugAttrMap(u.Attributes)["sub"]
	if aws.ToString(u.Username) != sub || ugAttrMap(u.Attributes)["email"] != "Dana@Example.com" {
		t.Fatalf("user = %+v", u)
	}
	for _, name := range []string{"dana@example.com", sub} {
		got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(name)})
		if err != nil || aws.ToString(got.Username) != sub {
			t.Fatalf("AdminGetUser(%s) = %v, %v", name, got, err)
		}
	}
	_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("DANA@example.com")})
	ugWantAPIErr[*types.UsernameExistsException](t, err, "An account with the given email already exists.")
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("dana")})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "Username should be an email.")

	ugCreate(t, c, pool, "eve@example.com")
	_, err = c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String(sub),
		UserAttributes: []types.AttributeType{ugAttr("email", "eve@example.com")}})
	ugWantAPIErr[*types.AliasExistsException](t, err, "An account with the given email already exists.")
}

func TestE2ECaseInsensitivePool(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, &cip.CreateUserPoolInput{UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}})
	ugCreate(t, c, pool, "Frank")
	got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("FRANK")})
	if err != nil || aws.ToString(got.Username) != "Frank" {
		t.Fatalf("got %v, %v", got, err)
	}
	_, err = c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("frank")})
	ugWantAPIErr[*types.UsernameExistsException](t, err, "User account already exists")

	sensitive := ugPool(t, c, nil)
	ugCreate(t, c, sensitive, "Frank")
	ugCreate(t, c, sensitive, "frank")
	_, err = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(sensitive), Username: aws.String("FRANK")})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")
}

func TestE2EAliasExists(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, &cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	ugCreate(t, c, pool, "gail", ugAttr("email", "g@example.com"), ugAttr("email_verified", "true"))
	_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("hal"),
		UserAttributes: []types.AttributeType{ugAttr("email", "G@example.com"), ugAttr("email_verified", "true")}})
	// The model lists no AliasExistsException for AdminCreateUser, so the SDK
	// cannot type it; the code and message are still Cognito's.
	ugWantCode(t, err, "AliasExistsException", "An account with the given email already exists.")
	// AdminUpdateUserAttributes does model it.
	ugCreate(t, c, pool, "hal", ugAttr("email", "g@example.com"))
	_, err = c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String("hal"),
		UserAttributes: []types.AttributeType{ugAttr("email_verified", "true")}})
	ugWantAPIErr[*types.AliasExistsException](t, err, "An account with the given email already exists.")
	// The alias names the user in Admin operations.
	got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("g@example.com")})
	if err != nil || aws.ToString(got.Username) != "gail" {
		t.Fatalf("by alias: %v, %v", got, err)
	}
}

func TestE2EUpdateDeleteAttributesAndStatus(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
	}})
	ref := func() (*string, *string) { return aws.String(pool), aws.String("ivy") }
	ugCreate(t, c, pool, "ivy", ugAttr("email", "ivy@example.com"), ugAttr("custom:tier", "gold"), ugAttr("name", "Ivy"))

	p, u := ref()
	if _, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: p, Username: u,
		UserAttributes: []types.AttributeType{ugAttr("name", ""), ugAttr("given_name", "I")}}); err != nil {
		t.Fatal(err)
	}
	got, _ := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: p, Username: u})
	m := ugAttrMap(got.UserAttributes)
	if _, ok := m["name"]; ok || m["given_name"] != "I" || m["custom:tier"] != "gold" {
		t.Fatalf("attributes = %v", m)
	}
	_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: p, Username: u,
		UserAttributes: []types.AttributeType{ugAttr("custom:tier", "silver")}})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: custom:tier: Attribute cannot be updated. (changing an immutable attribute)\n")
	_, err = c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: p, Username: u, UserAttributeNames: []string{"email"}})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: email: The attribute is required\n")
	if _, err := c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: p, Username: u, UserAttributeNames: []string{"given_name"}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: p, Username: u, UserAttributeNames: []string{strings.Repeat("a", 33)}})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "1 validation error detected: Value '"+strings.Repeat("a", 33)+"' at 'userAttributeNames.1.member' failed to satisfy constraint: Member must have length less than or equal to 32")

	if _, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: p, Username: u}); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: p, Username: u}); got.Enabled {
		t.Fatal("still enabled")
	}
	if _, err := c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: p, Username: u}); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: p, Username: u}); !got.Enabled {
		t.Fatal("still disabled")
	}
	_, err = c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: p, Username: u})
	ugWantAPIErr[*types.NotAuthorizedException](t, err, "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD")
	_, err = c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: p, Username: aws.String("nobody")})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")

	if _, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: p, Username: u}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: p, Username: u})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")
}

func TestE2EMFA(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	ugCreate(t, c, pool, "jay", ugAttr("phone_number", "+15555550100"))
	p, u := aws.String(pool), aws.String("jay")
	_, err := c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: p, Username: u,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	if _, err := c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: p, Username: u,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: p, Username: u})
	if err != nil || aws.ToString(got.PreferredMfaSetting) != "SMS_MFA" || fmt.Sprint(got.UserMFASettingList) != "[SMS_MFA]" {
		t.Fatalf("AdminGetUser = %+v, %v", got, err)
	}
	if _, err := c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: p, Username: u,
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: p, Username: u})
	if len(got.MFAOptions) != 1 || got.MFAOptions[0].DeliveryMedium != types.DeliveryMediumTypeSms || aws.ToString(got.MFAOptions[0].AttributeName) != "phone_number" {
		t.Fatalf("MFAOptions = %+v", got.MFAOptions)
	}
}

func ugListUsers(t *testing.T, c *cip.Client, pool, filter string, limit int32, only []string) []types.UserType {
	t.Helper()
	var all []types.UserType
	var token *string
	for i := 0; ; i++ {
		in := &cip.ListUsersInput{UserPoolId: aws.String(pool), Limit: aws.Int32(limit), PaginationToken: token, AttributesToGet: only}
		if filter != "" {
			in.Filter = aws.String(filter)
		}
		out, err := c.ListUsers(context.Background(), in)
		if err != nil {
			t.Fatalf("ListUsers(%q): %v", filter, err)
		}
		if limit > 0 && int32(len(out.Users)) > limit {
			t.Fatalf("page of %d users > limit %d", len(out.Users), limit)
		}
		all = append(all, out.Users...)
		if out.PaginationToken == nil {
			return all
		}
		if i > 100 {
			t.Fatal("paging does not end")
		}
		token = out.PaginationToken
	}
}

func ugNames(us []types.UserType) string {
	var names []string
	for _, u := range us {
		names = append(names, aws.ToString(u.Username))
	}
	return strings.Join(names, ",")
}

func TestE2EListUsers(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	var all []string
	for i := 0; i < 7; i++ {
		n := fmt.Sprintf("kate%d", i)
		ugCreate(t, c, pool, n, ugAttr("email", fmt.Sprintf("%s@%s.com", n, []string{"a", "b"}[i%2])), ugAttr("name", "K"))
		all = append(all, n)
	}
	if _, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("kate3")}); err != nil {
		t.Fatal(err)
	}
	if got := ugNames(ugListUsers(t, c, pool, "", 3, nil)); got != strings.Join(all, ",") {
		t.Fatalf("all = %s", got)
	}
	if got := ugNames(ugListUsers(t, c, pool, "", 0, nil)); got != strings.Join(all, ",") {
		t.Fatalf("limit 0 = %s", got)
	}
	k5 := ugListUsers(t, c, pool, `username = "kate5"`, 0, nil)
	sub5 := ugAttrMap(k5[0].Attributes)["sub"]
	tests := []struct{ filter, want string }{
		{`email = "kate2@a.com"`, "kate2"},
		{`email ^= "KATE1"`, "kate1"},
		{`email^="kate"`, strings.Join(all, ",")},
		{`username ^= "kate"`, strings.Join(all, ",")},
		{`username = "KATE1"`, ""},
		{`status = "Disabled"`, "kate3"},
		{`status = "Enabled"`, "kate0,kate1,kate2,kate4,kate5,kate6"},
		{`cognito:user_status = "FORCE_CHANGE_PASSWORD"`, strings.Join(all, ",")},
		{`cognito:user_status = "CONFIRMED"`, ""},
		{`sub = "` + sub5 + `"`, "kate5"},
	}
	for _, tc := range tests {
		if got := ugNames(ugListUsers(t, c, pool, tc.filter, 2, nil)); got != tc.want {
			t.Fatalf("%s: got %s, want %s", tc.filter, got, tc.want)
		}
	}
	// AttributesToGet keeps only the named attributes.
	for _, u := range ugListUsers(t, c, pool, "", 0, []string{"email"}) {
		if len(u.Attributes) != 1 || aws.ToString(u.Attributes[0].Name) != "email" || u.UserStatus == "" || u.UserCreateDate == nil {
			t.Fatalf("projected user = %+v", u)
		}
	}

	for _, tc := range []struct {
		in  *cip.ListUsersInput
		msg string
	}{
		{&cip.ListUsersInput{Limit: aws.Int32(61)}, "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{&cip.ListUsersInput{Filter: aws.String(`email = kate`)}, "Error while parsing filter."},
		{&cip.ListUsersInput{Filter: aws.String(`custom:tier = "x"`)}, "Invalid search attribute: custom:tier"},
		{&cip.ListUsersInput{PaginationToken: aws.String("bogus")}, "Invalid pagination token."},
	} {
		tc.in.UserPoolId = aws.String(pool)
		_, err := c.ListUsers(ctx, tc.in)
		ugWantAPIErr[*types.InvalidParameterException](t, err, tc.msg)
	}
}

// TestE2EWireShapes checks member names the SDK does not surface (the
// absence of members, Attributes vs UserAttributes).
func TestE2EWireShapes(t *testing.T) {
	t.Parallel()
	c, _, srv := newTestEnvWith(t, userpool.Options{PasswordParams: password.InsecureTestParams})
	pool := ugPool(t, c, nil)
	call := func(op, body string) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", op, resp.StatusCode, b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %s", op, b)
		}
		return m
	}
	created := call("AdminCreateUser", `{"UserPoolId":"`+pool+`","Username":"lou","MessageAction":"SUPPRESS"}`)
	user := created["User"].(map[string]any)
	if _, ok := user["Attributes"]; !ok {
		t.Fatalf("UserType without Attributes: %v", user)
	}
	if _, ok := user["UserCreateDate"].(float64); !ok {
		t.Fatalf("UserCreateDate is not a number: %v", user["UserCreateDate"])
	}
	got := call("AdminGetUser", `{"UserPoolId":"`+pool+`","Username":"lou"}`)
	if _, ok := got["UserAttributes"]; !ok {
		t.Fatalf("AdminGetUser without UserAttributes: %v", got)
	}
	for _, absent := range []string{"PreferredMfaSetting", "UserMFASettingList", "MFAOptions", "Attributes"} {
		if _, ok := got[absent]; ok {
			t.Fatalf("AdminGetUser has %s: %v", absent, got)
		}
	}
	list := call("ListUsers", `{"UserPoolId":"`+pool+`"}`)
	if _, ok := list["PaginationToken"]; ok {
		t.Fatalf("last page carries a token: %v", list)
	}
	if empty := call("AdminDisableUser", `{"UserPoolId":"`+pool+`","Username":"lou"}`); len(empty) != 0 {
		t.Fatalf("AdminDisableUser answered %v", empty)
	}
}
