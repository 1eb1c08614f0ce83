package cognitoidp_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestRefusedOperations(t *testing.T) {
	e := newAuEnv(t)
	pool := e.pool(t, nil)
	c := e.client(t, pool, nil)
	e.user(t, pool, "kim")
	at := e.mustPasswordAuth(t, c, "kim").AccessToken
	missing := aws.String("us-east-1_nope12345")

	// Replicas: the pool is its own primary; nothing else exists.
	reps, err := e.signed.ListUserPoolReplicas(bg, &cip.ListUserPoolReplicasInput{UserPoolId: &pool})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps.UserPoolReplicas) != 1 || *reps.UserPoolReplicas[0].RegionName != "us-east-1" || reps.UserPoolReplicas[0].Role != types.ReplicaRoleTypePrimary {
		t.Fatalf("replicas = %+v", reps.UserPoolReplicas)
	}
	_, err = e.signed.CreateUserPoolReplica(bg, &cip.CreateUserPoolReplicaInput{UserPoolId: &pool, RegionName: aws.String("eu-west-1")})
	wantErr(t, err, "UnsupportedOperationException", "")
	_, err = e.signed.CreateUserPoolReplica(bg, &cip.CreateUserPoolReplicaInput{UserPoolId: missing, RegionName: aws.String("eu-west-1")})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.signed.DeleteUserPoolReplica(bg, &cip.DeleteUserPoolReplicaInput{UserPoolId: &pool, RegionName: aws.String("eu-west-1")})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.signed.UpdateUserPoolReplica(bg, &cip.UpdateUserPoolReplicaInput{UserPoolId: &pool, RegionName: aws.String("eu-west-1"), Status: "BOGUS"})
	wantErr(t, err, "InvalidParameterException", "")

	// Auth events need threat protection.
	_, err = e.signed.AdminListUserAuthEvents(bg, &cip.AdminListUserAuthEventsInput{UserPoolId: &pool, Username: aws.String("kim")})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "Threat protection is not enabled for this user pool.")
	_, err = e.signed.AdminListUserAuthEvents(bg, &cip.AdminListUserAuthEventsInput{UserPoolId: &pool, Username: aws.String("nobody")})
	wantErr(t, err, "UserNotFoundException", "")
	_, err = e.anon.UpdateAuthEventFeedback(bg, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &pool, Username: aws.String("kim"),
		EventId: aws.String("ev1"), FeedbackToken: aws.String("tok"), FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "")
	audit := e.pool(t, &cip.CreateUserPoolInput{UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
	e.user(t, audit, "kim")
	ev, err := e.signed.AdminListUserAuthEvents(bg, &cip.AdminListUserAuthEventsInput{UserPoolId: &audit, Username: aws.String("kim")})
	if err != nil || len(ev.AuthEvents) != 0 {
		t.Fatalf("AdminListUserAuthEvents with threat protection: %v %v", ev, err)
	}
	_, err = e.signed.AdminUpdateAuthEventFeedback(bg, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &audit, Username: aws.String("kim"),
		EventId: aws.String("ev1"), FeedbackValue: types.FeedbackValueTypeInvalid})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Federated-user linking.
	who := &types.ProviderUserIdentifierType{ProviderName: aws.String("Google"), ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("1")}
	_, err = e.signed.AdminDisableProviderForUser(bg, &cip.AdminDisableProviderForUserInput{UserPoolId: &pool, User: who})
	wantErr(t, err, "UnsupportedOperationException", "")
	_, err = e.signed.AdminLinkProviderForUser(bg, &cip.AdminLinkProviderForUserInput{UserPoolId: missing, SourceUser: who, DestinationUser: who})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Passkeys: authenticated by the access token first.
	_, err = e.anon.StartWebAuthnRegistration(bg, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String("not-a-token")})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = e.anon.StartWebAuthnRegistration(bg, &cip.StartWebAuthnRegistrationInput{AccessToken: at})
	wantErr(t, err, "WebAuthnNotEnabledException", "")
	_, err = e.anon.CompleteWebAuthnRegistration(bg, &cip.CompleteWebAuthnRegistrationInput{AccessToken: at, Credential: document.NewLazyDocument(map[string]any{"id": "x"})})
	wantErr(t, err, "WebAuthnNotEnabledException", "")
	creds, err := e.anon.ListWebAuthnCredentials(bg, &cip.ListWebAuthnCredentialsInput{AccessToken: at})
	if err != nil || len(creds.Credentials) != 0 {
		t.Fatalf("ListWebAuthnCredentials: %v %v", creds, err)
	}
	_, err = e.anon.DeleteWebAuthnCredential(bg, &cip.DeleteWebAuthnCredentialInput{AccessToken: at, CredentialId: aws.String("c1")})
	wantErr(t, err, "ResourceNotFoundException", "")

	f, err := e.anon.GetUserAuthFactors(bg, &cip.GetUserAuthFactorsInput{AccessToken: at})
	if err != nil {
		t.Fatal(err)
	}
	if *f.Username != "kim" || len(f.ConfiguredUserAuthFactors) != 1 || f.ConfiguredUserAuthFactors[0] != types.AuthFactorTypePassword {
		b, _ := json.Marshal(f)
		t.Fatalf("GetUserAuthFactors = %s", b)
	}
}
