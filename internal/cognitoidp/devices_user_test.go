package cognitoidp_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	cognitosrp "github.com/alexrudd/cognito-srp/v4"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/srp"
	"userpool/internal/store"
	"userpool/internal/userpool"
)

// device is what a client keeps after ConfirmDevice.
type device struct {
	key, group, password string
}

// confirmDevice does what amazon-cognito-identity-js does with
// NewDeviceMetadata: a random device password, a salt and the SRP verifier
// over (DeviceGroupKey, DeviceKey, password), sent with ConfirmDevice.
func (e *auEnv) confirmDevice(t *testing.T, res *types.AuthenticationResultType, name string) (device, bool) {
	t.Helper()
	nd := res.NewDeviceMetadata
	if nd == nil || nd.DeviceKey == nil || nd.DeviceGroupKey == nil {
		t.Fatalf("no NewDeviceMetadata in %+v", res)
	}
	pwb := make([]byte, 40)
	salt := make([]byte, 16)
	rand.Read(pwb)
	rand.Read(salt)
	d := device{key: *nd.DeviceKey, group: *nd.DeviceGroupKey, password: base64.StdEncoding.EncodeToString(pwb)}
	v := srp.Verifier(d.group, d.key, d.password, salt)
	out, err := e.anon.ConfirmDevice(bg, &cip.ConfirmDeviceInput{
		AccessToken: res.AccessToken, DeviceKey: nd.DeviceKey, DeviceName: aws.String(name),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(v)),
			Salt:             aws.String(base64.StdEncoding.EncodeToString(salt)),
		},
	})
	if err != nil {
		t.Fatalf("ConfirmDevice: %v", err)
	}
	return d, out.UserConfirmationNecessary
}

// deviceAuth answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with the
// SRP maths of a real client (poolName = DeviceGroupKey, user = DeviceKey).
func (e *auEnv) deviceAuth(c types.UserPoolClientType, username string, session *string, d device) (*cip.RespondToAuthChallengeOutput, error) {
	cl, err := cognitosrp.NewCognitoSRP(d.key, d.password, "device_"+d.group, *c.ClientId, nil)
	if err != nil {
		return nil, err
	}
	step, err := e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeDeviceSrpAuth, ClientId: c.ClientId, Session: session,
		ChallengeResponses: params("USERNAME", username, "DEVICE_KEY", d.key, "SRP_A", cl.GetAuthParams()["SRP_A"])})
	if err != nil {
		return nil, err
	}
	if step.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier {
		return nil, errUnexpected(string(step.ChallengeName))
	}
	cp := map[string]string{}
	for k, v := range step.ChallengeParameters {
		cp[k] = v
	}
	cp["USER_ID_FOR_SRP"] = d.key
	resp, err := cl.PasswordVerifierChallenge(cp, e.now())
	if err != nil {
		return nil, err
	}
	resp["DEVICE_KEY"] = d.key
	return e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, ClientId: c.ClientId,
		Session: step.Session, ChallengeResponses: resp})
}

type errUnexpected string

func (e errUnexpected) Error() string { return "unexpected challenge " + string(e) }

func TestDeviceTracking(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{
		MfaConfiguration:    types.UserPoolMfaTypeOptional,
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true},
	})
	c := e.client(t, pool, nil)
	e.user(t, pool, "alice")

	res := e.mustPasswordAuth(t, c, "alice")
	if k := aws.ToString(res.NewDeviceMetadata.DeviceKey); len(k) < 10 || k[:10] != "us-east-1_" {
		t.Fatalf("DeviceKey %q", k)
	}
	if cl := e.claims(t, pool, *res.AccessToken, "access"); cl.DeviceKey != *res.NewDeviceMetadata.DeviceKey {
		t.Fatalf("access token device_key %q", cl.DeviceKey)
	}
	// Not a device until confirmed.
	_, err := e.anon.GetDevice(bg, &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: res.NewDeviceMetadata.DeviceKey})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	d, necessary := e.confirmDevice(t, res, "laptop")
	if necessary {
		t.Fatal("UserConfirmationNecessary without DeviceOnlyRememberedOnUserPrompt")
	}
	// A proposal is confirmed once.
	_, err = e.anon.ConfirmDevice(bg, &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(d.key),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("AQ=="), Salt: aws.String("AQ==")}})
	wantErr(t, err, "DeviceKeyExistsException", "")

	list, err := e.anon.ListDevices(bg, &cip.ListDevicesInput{AccessToken: res.AccessToken})
	if err != nil || len(list.Devices) != 1 || *list.Devices[0].DeviceKey != d.key {
		t.Fatalf("ListDevices = %+v %v", list, err)
	}
	attrs := map[string]string{}
	for _, a := range list.Devices[0].DeviceAttributes {
		attrs[*a.Name] = *a.Value
	}
	if attrs["device_name"] != "laptop" || attrs["dev:device_remembered_status"] != "remembered" {
		t.Fatalf("device attributes %v", attrs)
	}

	// Sign in with the device: DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER.
	e.advance(time.Minute)
	start := func() *cip.InitiateAuthOutput {
		t.Helper()
		out, err := e.passwordAuth(c, "alice", auPW, "DEVICE_KEY", d.key)
		if err != nil {
			t.Fatal(err)
		}
		if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth || out.Session == nil {
			t.Fatalf("got %+v", out)
		}
		return out
	}
	out, err := e.deviceAuth(c, "alice", start().Session, d)
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("device auth: %v", err)
	}
	if out.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatal("a remembered device got NewDeviceMetadata")
	}
	if cl := e.claims(t, pool, *out.AuthenticationResult.AccessToken, "access"); cl.DeviceKey != d.key {
		t.Fatalf("device_key %q", cl.DeviceKey)
	}
	gd, err := e.anon.GetDevice(bg, &cip.GetDeviceInput{AccessToken: out.AuthenticationResult.AccessToken, DeviceKey: aws.String(d.key)})
	if err != nil || gd.Device.DeviceLastAuthenticatedDate == nil || gd.Device.DeviceLastAuthenticatedDate.Before(e.now().Add(-10*time.Second)) {
		t.Fatalf("GetDevice = %+v %v", gd, err)
	}
	// Refresh keeps the device key.
	r, err := e.refresh(c, *out.AuthenticationResult.RefreshToken, "")
	if err != nil || e.claims(t, pool, *r.AuthenticationResult.AccessToken, "access").DeviceKey != d.key {
		t.Fatalf("refresh lost device_key: %v", err)
	}

	// A wrong device secret fails.
	bad := d
	bad.password = "not-the-device-password"
	_, err = e.deviceAuth(c, "alice", start().Session, bad)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Remembered devices skip MFA; not remembered ones do not.
	p, _ := e.svc.GetPool(bg, pool)
	u, _ := e.svc.ResolveUser(bg, p, "alice")
	e.update(t, pool, u.UsernameKey(), func(x *store.User) {
		x.MFA = userpool.MFASettings{TOTPEnabled: true, TOTPSecret: "JBSWY3DPEHPK3PXPJBSWY3DP", TOTPVerified: true}.Encode()
	})
	if out, err := e.deviceAuth(c, "alice", start().Session, d); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("remembered device with MFA: %+v %v", out, err)
	}
	if _, err := e.anon.UpdateDeviceStatus(bg, &cip.UpdateDeviceStatusInput{AccessToken: out.AuthenticationResult.AccessToken, DeviceKey: aws.String(d.key),
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}); err != nil {
		t.Fatal(err)
	}
	if out, err := e.deviceAuth(c, "alice", start().Session, d); err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("not remembered device with MFA: %+v %v", out, err)
	}
	e.update(t, pool, u.UsernameKey(), func(x *store.User) { x.MFA = nil })

	// SRP sign-in with an unknown DEVICE_KEY: ResourceNotFound mentioning the
	// device, and the same answer without DEVICE_KEY then succeeds (what
	// amazon-cognito-identity-js does).
	cl, _ := cognitosrp.NewCognitoSRP("alice", auPW, pool, *c.ClientId, nil)
	ap := cl.GetAuthParams()
	ap["DEVICE_KEY"] = "us-east-1_00000000-0000-0000-0000-000000000000"
	init, err := e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: c.ClientId, AuthParameters: ap})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := cl.PasswordVerifierChallenge(init.ChallengeParameters, e.now())
	resp["DEVICE_KEY"] = ap["DEVICE_KEY"]
	_, err = e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER", ClientId: c.ClientId, ChallengeResponses: resp})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	// identity-js sets DEVICE_KEY to null (decoded as ""); leaving it out
	// would fall back to InitiateAuth's DEVICE_KEY and fail again.
	delete(resp, "DEVICE_KEY")
	_, err = e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER", ClientId: c.ClientId, ChallengeResponses: resp})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	resp["DEVICE_KEY"] = ""
	out2, err := e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER", ClientId: c.ClientId, ChallengeResponses: resp})
	if err != nil || out2.AuthenticationResult == nil || out2.AuthenticationResult.NewDeviceMetadata == nil {
		t.Fatalf("retry without DEVICE_KEY: %+v %v", out2, err)
	}
	// With USER_PASSWORD_AUTH the unknown key is reported after the password.
	_, err = e.passwordAuth(c, "alice", auPW, "DEVICE_KEY", ap["DEVICE_KEY"])
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")

	// SRP sign-in with the device key continues with DEVICE_SRP_AUTH.
	cl, _ = cognitosrp.NewCognitoSRP("alice", auPW, pool, *c.ClientId, nil)
	ap = cl.GetAuthParams()
	ap["DEVICE_KEY"] = d.key
	init, err = e.anon.InitiateAuth(bg, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: c.ClientId, AuthParameters: ap})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = cl.PasswordVerifierChallenge(init.ChallengeParameters, e.now())
	resp["DEVICE_KEY"] = d.key
	pv, err := e.anon.RespondToAuthChallenge(bg, &cip.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER", ClientId: c.ClientId, ChallengeResponses: resp})
	if err != nil || pv.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("SRP + device: %+v %v", pv, err)
	}
	if out, err := e.deviceAuth(c, "alice", pv.Session, d); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP + device auth: %v", err)
	}

	// ForgetDevice: gone, and signing in with it is ResourceNotFound.
	fres := e.mustPasswordAuth(t, c, "alice")
	if _, err := e.anon.ForgetDevice(bg, &cip.ForgetDeviceInput{AccessToken: fres.AccessToken, DeviceKey: aws.String(d.key)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.passwordAuth(c, "alice", auPW, "DEVICE_KEY", d.key)
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}

func TestDeviceRememberedOnUserPrompt(t *testing.T) {
	t.Parallel()
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{DeviceOnlyRememberedOnUserPrompt: true}})
	c := e.client(t, pool, nil)
	e.user(t, pool, "alice")
	e.user(t, pool, "bob")
	res := e.mustPasswordAuth(t, c, "alice")
	// Another user cannot confirm alice's proposal.
	bres := e.mustPasswordAuth(t, c, "bob")
	bres.NewDeviceMetadata = res.NewDeviceMetadata
	v := base64.StdEncoding.EncodeToString(srp.Verifier("g", "k", "p", []byte{1}))
	_, err := e.anon.ConfirmDevice(bg, &cip.ConfirmDeviceInput{AccessToken: bres.AccessToken, DeviceKey: res.NewDeviceMetadata.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String(v), Salt: aws.String("AQ==")}})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")

	d, necessary := e.confirmDevice(t, res, "phone")
	if !necessary {
		t.Fatal("UserConfirmationNecessary should be true with DeviceOnlyRememberedOnUserPrompt")
	}
	gd, err := e.anon.GetDevice(bg, &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(d.key)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range gd.Device.DeviceAttributes {
		if *a.Name == "dev:device_remembered_status" && *a.Value != "not_remembered" {
			t.Fatalf("status %q before the user prompt", *a.Value)
		}
	}
	if _, err := e.anon.UpdateDeviceStatus(bg, &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: aws.String(d.key), DeviceRememberedStatus: "remembered"}); err != nil {
		t.Fatal(err)
	}
	// Bob cannot see or forget alice's device.
	_, err = e.anon.GetDevice(bg, &cip.GetDeviceInput{AccessToken: bres.AccessToken, DeviceKey: aws.String(d.key)})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	_, err = e.anon.ForgetDevice(bg, &cip.ForgetDeviceInput{AccessToken: bres.AccessToken, DeviceKey: aws.String(d.key)})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}
