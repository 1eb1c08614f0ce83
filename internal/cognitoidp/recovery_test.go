package cognitoidp_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/userpool"
)

func TestForgotPasswordFlow(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	hidden := e.client(t, pool, &cip.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	e.confirmedUser(t, pool, "erin", lcAttr("email", "erin@example.com"), lcAttr("email_verified", "true"))
	e.confirmedUser(t, pool, "fay", lcAttr("email", "fay@example.com"))

	forgot := func(cl types.UserPoolClientType, username string) (*cip.ForgotPasswordOutput, error) {
		return e.anon.ForgotPassword(bg, &cip.ForgotPasswordInput{ClientId: cl.ClientId, SecretHash: secretHash(cl, username), Username: aws.String(username)})
	}
	confirm := func(cl types.UserPoolClientType, username, code, pw string) error {
		_, err := e.anon.ConfirmForgotPassword(bg, &cip.ConfirmForgotPasswordInput{ClientId: cl.ClientId, SecretHash: secretHash(cl, username),
			Username: aws.String(username), ConfirmationCode: aws.String(code), Password: aws.String(pw)})
		return err
	}

	_, err := forgot(c, "fay")
	wantErr(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
	_, err = forgot(c, "nobody")
	wantErr(t, err, "UserNotFoundException", "Username/client id combination not found.")
	out, err := forgot(hidden, "nobody")
	if err != nil || out.CodeDeliveryDetails == nil {
		t.Fatalf("ENABLED ForgotPassword for an unknown user: %+v %v", out, err)
	}
	wantErr(t, confirm(hidden, "nobody", "123456", "N3w-Passw0rd!"), "CodeMismatchException", "")
	_, err = e.anon.ForgotPassword(bg, &cip.ForgotPasswordInput{ClientId: c.ClientId, SecretHash: secretHash(c, "fay"), Username: aws.String("erin")})
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*c.ClientId)

	out, err = forgot(c, "erin")
	if err != nil {
		t.Fatalf("ForgotPassword: %v", err)
	}
	if d := out.CodeDeliveryDetails; aws.ToString(d.Destination) != "e***@e***" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Fatalf("delivery %+v", d)
	}
	code := e.sender.code(t, "erin@example.com")
	wantErr(t, confirm(c, "erin", code, "weak"), "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	wantErr(t, confirm(c, "erin", lcWrong(code), "N3w-Passw0rd!"), "CodeMismatchException", "Invalid verification code provided, please try again.")
	if err := confirm(c, "erin", code, "N3w-Passw0rd!"); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	wantErr(t, confirm(c, "erin", code, "An0ther-Passw0rd!"), "ExpiredCodeException", "Invalid code provided, please request a code again.")
	_, err = e.signIn(c, "erin", lcPW)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	e.accessToken(t, c, "erin", "N3w-Passw0rd!")

	// Reset codes expire after an hour.
	if _, err := forgot(c, "erin"); err != nil {
		t.Fatal(err)
	}
	code = e.sender.code(t, "erin@example.com")
	e.advance(userpool.ResetCodeTTL)
	wantErr(t, confirm(c, "erin", code, "An0ther-Passw0rd!"), "ExpiredCodeException", "")
}

func TestAdminPasswordOperations(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, nil)
	e.confirmedUser(t, pool, "gus", lcAttr("email", "gus@example.com"), lcAttr("email_verified", "true"))
	e.confirmedUser(t, pool, "hal")

	_, err := e.signed.AdminResetUserPassword(bg, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String("nobody")})
	wantErr(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.signed.AdminResetUserPassword(bg, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String("hal")})
	wantErr(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")

	if _, err := e.signed.AdminResetUserPassword(bg, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String("gus")}); err != nil {
		t.Fatalf("AdminResetUserPassword: %v", err)
	}
	u, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("gus")})
	if err != nil || u.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("status %v %v", u.UserStatus, err)
	}
	_, err = e.signIn(c, "gus", lcPW)
	wantErr(t, err, "PasswordResetRequiredException", "Password reset required for the user")
	_, err = e.anon.ConfirmForgotPassword(bg, &cip.ConfirmForgotPasswordInput{ClientId: c.ClientId, Username: aws.String("gus"),
		ConfirmationCode: aws.String(e.sender.code(t, "gus@example.com")), Password: aws.String("N3w-Passw0rd!")})
	if err != nil {
		t.Fatalf("ConfirmForgotPassword after admin reset: %v", err)
	}
	e.accessToken(t, c, "gus", "N3w-Passw0rd!")

	// AdminSetUserPassword: policy, temporary (NEW_PASSWORD_REQUIRED), permanent.
	set := func(pw string, permanent bool) error {
		_, err := e.signed.AdminSetUserPassword(bg, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String("hal"), Password: aws.String(pw), Permanent: permanent})
		return err
	}
	wantErr(t, set("nouppercase1!", true), "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	if err := set("Temp0rary-Pw", false); err != nil {
		t.Fatal(err)
	}
	out, err := e.signIn(c, "hal", "Temp0rary-Pw")
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password: %+v %v", out, err)
	}
	if err := set("Permanent-Pw1", true); err != nil {
		t.Fatal(err)
	}
	u, _ = e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("hal")})
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status %v", u.UserStatus)
	}
	e.accessToken(t, c, "hal", "Permanent-Pw1")
}

// The per-user send limit reaches the wire as LimitExceededException.
func TestForgotPasswordSendLimit(t *testing.T) {
	t.Parallel()
	e := newLCEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, &cip.CreateUserPoolClientInput{})
	e.confirmedUser(t, pool, "hal", lcAttr("email", "hal@example.com"), lcAttr("email_verified", "true"))
	in := &cip.ForgotPasswordInput{ClientId: c.ClientId, Username: aws.String("hal")}
	for i := 1; i <= userpool.MaxCodeSends; i++ {
		if _, err := e.anon.ForgotPassword(bg, in); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	_, err := e.anon.ForgotPassword(bg, in)
	wantErr(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
}
