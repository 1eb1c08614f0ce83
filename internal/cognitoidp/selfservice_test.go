package cognitoidp_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestChangePasswordE2E(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, nil)
	e.confirmedUser(t, pool, "ida")
	at := e.accessToken(t, c, "ida", lcPW)

	change := func(token, prev, next string) error {
		_, err := e.anon.ChangePassword(bg, &cip.ChangePasswordInput{AccessToken: aws.String(token), PreviousPassword: aws.String(prev), ProposedPassword: aws.String(next)})
		return err
	}
	wantErr(t, change("bogus.token.value", lcPW, "N3w-Passw0rd!"), "NotAuthorizedException", "Invalid Access Token")
	wantErr(t, change(at, "Wr0ng-Passw0rd!", "N3w-Passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	wantErr(t, change(at, lcPW, "short"), "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	if err := change(at, lcPW, "N3w-Passw0rd!"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	_, err := e.signIn(c, "ida", lcPW)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	e.accessToken(t, c, "ida", "N3w-Passw0rd!")

	// Expired tokens are refused.
	e.advance(2 * time.Hour)
	wantErr(t, change(at, "N3w-Passw0rd!", "Th1rd-Passw0rd!"), "NotAuthorizedException", "Access Token has expired")
}

func TestUserAttributesE2E(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}})
	c := e.client(t, pool, nil)
	limited := e.client(t, pool, &cip.CreateUserPoolClientInput{WriteAttributes: []string{"email", "name"}})
	e.confirmedUser(t, pool, "jon", lcAttr("email", "jon@example.com"), lcAttr("email_verified", "true"))
	at := e.accessToken(t, c, "jon", lcPW)
	lat := e.accessToken(t, limited, "jon", lcPW)
	getUser := func() map[string]string {
		t.Helper()
		out, err := e.anon.GetUser(bg, &cip.GetUserInput{AccessToken: aws.String(at)})
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		return lcAttrs(out.UserAttributes)
	}

	_, err := e.anon.UpdateUserAttributes(bg, &cip.UpdateUserAttributesInput{AccessToken: aws.String(lat), UserAttributes: []types.AttributeType{lcAttr("nickname", "j")}})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	_, err = e.anon.UpdateUserAttributes(bg, &cip.UpdateUserAttributesInput{AccessToken: aws.String(at), UserAttributes: []types.AttributeType{lcAttr("email_verified", "true")}})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")

	out, err := e.anon.UpdateUserAttributes(bg, &cip.UpdateUserAttributesInput{AccessToken: aws.String(lat),
		UserAttributes: []types.AttributeType{lcAttr("email", "jon@new.example"), lcAttr("name", "Jon")}})
	if err != nil {
		t.Fatalf("UpdateUserAttributes: %v", err)
	}
	if len(out.CodeDeliveryDetailsList) != 1 || aws.ToString(out.CodeDeliveryDetailsList[0].Destination) != "j***@n***" || aws.ToString(out.CodeDeliveryDetailsList[0].AttributeName) != "email" {
		t.Fatalf("CodeDeliveryDetailsList %+v", out.CodeDeliveryDetailsList)
	}
	if a := getUser(); a["email"] != "jon@new.example" || a["email_verified"] != "false" || a["name"] != "Jon" {
		t.Fatalf("after update %v", a)
	}
	code := e.sender.code(t, "jon@new.example")
	verify := func(code string) error {
		_, err := e.anon.VerifyUserAttribute(bg, &cip.VerifyUserAttributeInput{AccessToken: aws.String(at), AttributeName: aws.String("email"), Code: aws.String(code)})
		return err
	}
	wantErr(t, verify(lcWrong(code)), "CodeMismatchException", "Invalid verification code provided, please try again.")
	if err := verify(code); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	if a := getUser(); a["email_verified"] != "true" {
		t.Fatalf("after verify %v", a)
	}
	wantErr(t, verify(code), "ExpiredCodeException", "")

	// GetUserAttributeVerificationCode sends a fresh code.
	g, err := e.anon.GetUserAttributeVerificationCode(bg, &cip.GetUserAttributeVerificationCodeInput{AccessToken: aws.String(at), AttributeName: aws.String("email")})
	if err != nil || aws.ToString(g.CodeDeliveryDetails.Destination) != "j***@n***" {
		t.Fatalf("GetUserAttributeVerificationCode: %+v %v", g, err)
	}
	if err := verify(e.sender.code(t, "jon@new.example")); err != nil {
		t.Fatalf("verify with the new code: %v", err)
	}
	_, err = e.anon.GetUserAttributeVerificationCode(bg, &cip.GetUserAttributeVerificationCodeInput{AccessToken: aws.String(at), AttributeName: aws.String("phone_number")})
	wantErr(t, err, "InvalidParameterException", "")

	// DeleteUserAttributes and SetUserSettings.
	if _, err := e.anon.DeleteUserAttributes(bg, &cip.DeleteUserAttributesInput{AccessToken: aws.String(at), UserAttributeNames: []string{"name"}}); err != nil {
		t.Fatalf("DeleteUserAttributes: %v", err)
	}
	if _, ok := getUser()["name"]; ok {
		t.Fatal("name still there")
	}
	_, err = e.anon.DeleteUserAttributes(bg, &cip.DeleteUserAttributesInput{AccessToken: aws.String(lat), UserAttributeNames: []string{"nickname"}})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	_, err = e.anon.SetUserSettings(bg, &cip.SetUserSettingsInput{AccessToken: aws.String(at), MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}})
	if err != nil {
		t.Fatalf("SetUserSettings: %v", err)
	}
	u, err := e.anon.GetUser(bg, &cip.GetUserInput{AccessToken: aws.String(at)})
	if err != nil || len(u.MFAOptions) != 1 {
		t.Fatalf("MFAOptions %+v %v", u, err)
	}

	// DeleteUser: the token stops working, the user is gone.
	if _, err := e.anon.DeleteUser(bg, &cip.DeleteUserInput{AccessToken: aws.String(at)}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = e.anon.GetUser(bg, &cip.GetUserInput{AccessToken: aws.String(at)})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("jon")})
	wantErr(t, err, "UserNotFoundException", "User does not exist.")
}
