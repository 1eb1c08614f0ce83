package cognitoidp

import (
	"context"
	"fmt"
	"reflect"
)

// operations is the Cognito user-pools API this server answers: one row per
// operation, with
//
//   - its name (the X-Amz-Target suffix);
//   - how its caller is authenticated (AuthMode);
//   - which of its calls the audit log records (auditClass);
//   - the input member naming what it touches, the audit event's target;
//   - the Handler method that serves it, in the file of its area, given the
//     decoded and validated input.
var operations = []*operation{
	// User pools (pools.go)
	op("CreateUserPool", AuthSigV4, auditWrites, noTarget, (*Handler).createUserPool),
	op("DescribeUserPool", AuthSigV4, auditRefusals, noTarget, (*Handler).describeUserPool),
	op("ListUserPools", AuthSigV4, auditRefusals, noTarget, (*Handler).listUserPools),
	op("UpdateUserPool", AuthSigV4, auditWrites, noTarget, (*Handler).updateUserPool),
	op("DeleteUserPool", AuthSigV4, auditWrites, noTarget, (*Handler).deleteUserPool),

	// App clients (clients.go)
	op("CreateUserPoolClient", AuthSigV4, auditWrites, byClientName, (*Handler).createUserPoolClient),
	op("DescribeUserPoolClient", AuthSigV4, auditRefusals, byClientID, (*Handler).describeUserPoolClient),
	op("ListUserPoolClients", AuthSigV4, auditRefusals, noTarget, (*Handler).listUserPoolClients),
	op("UpdateUserPoolClient", AuthSigV4, auditWrites, byClientID, (*Handler).updateUserPoolClient),
	op("DeleteUserPoolClient", AuthSigV4, auditWrites, byClientID, (*Handler).deleteUserPoolClient),
	// Client secrets (clientsecrets.go)
	op("AddUserPoolClientSecret", AuthSigV4, auditWrites, byClientID, (*Handler).addUserPoolClientSecret),
	op("DeleteUserPoolClientSecret", AuthSigV4, auditWrites, byClientID, (*Handler).deleteUserPoolClientSecret),
	op("ListUserPoolClientSecrets", AuthSigV4, auditRefusals, byClientID, (*Handler).listUserPoolClientSecrets),

	// Users, administered (users.go)
	op("AdminCreateUser", AuthSigV4, auditWrites, byUsername, (*Handler).adminCreateUser),
	op("AdminGetUser", AuthSigV4, auditRefusals, byUsername, (*Handler).adminGetUser),
	op("AdminDeleteUser", AuthSigV4, auditWrites, byUsername, (*Handler).adminDeleteUser),
	op("AdminUpdateUserAttributes", AuthSigV4, auditWrites, byUsername, (*Handler).adminUpdateUserAttributes),
	op("AdminDeleteUserAttributes", AuthSigV4, auditWrites, byUsername, (*Handler).adminDeleteUserAttributes),
	op("AdminDisableUser", AuthSigV4, auditWrites, byUsername, (*Handler).adminDisableUser),
	op("AdminEnableUser", AuthSigV4, auditWrites, byUsername, (*Handler).adminEnableUser),
	op("AdminConfirmSignUp", AuthSigV4, auditWrites, byUsername, (*Handler).adminConfirmSignUp),
	op("AdminSetUserSettings", AuthSigV4, auditWrites, byUsername, (*Handler).adminSetUserSettings),
	op("AdminSetUserMFAPreference", AuthSigV4, auditWrites, byUsername, (*Handler).adminSetUserMFAPreference),
	op("ListUsers", AuthSigV4, auditRefusals, noTarget, (*Handler).listUsers),

	// Groups and membership (groups.go)
	op("CreateGroup", AuthSigV4, auditWrites, byGroupName, (*Handler).createGroup),
	op("GetGroup", AuthSigV4, auditRefusals, byGroupName, (*Handler).getGroup),
	op("UpdateGroup", AuthSigV4, auditWrites, byGroupName, (*Handler).updateGroup),
	op("DeleteGroup", AuthSigV4, auditWrites, byGroupName, (*Handler).deleteGroup),
	op("ListGroups", AuthSigV4, auditRefusals, noTarget, (*Handler).listGroups),
	op("AdminAddUserToGroup", AuthSigV4, auditWrites, byUsername, (*Handler).adminAddUserToGroup),
	op("AdminRemoveUserFromGroup", AuthSigV4, auditWrites, byUsername, (*Handler).adminRemoveUserFromGroup),
	op("AdminListGroupsForUser", AuthSigV4, auditRefusals, byUsername, (*Handler).adminListGroupsForUser),
	op("ListUsersInGroup", AuthSigV4, auditRefusals, byGroupName, (*Handler).listUsersInGroup),

	// Sign-up (signup.go)
	op("SignUp", AuthNone, auditWrites, noTarget, (*Handler).signUp),
	op("ConfirmSignUp", AuthNone, auditWrites, noTarget, (*Handler).confirmSignUp),
	op("ResendConfirmationCode", AuthNone, auditWrites, noTarget, (*Handler).resendConfirmationCode),

	// Sign-in and challenges (auth.go)
	op("InitiateAuth", AuthNone, auditRefusals, noTarget, (*Handler).initiateAuth),
	op("RespondToAuthChallenge", AuthNone, auditRefusals, noTarget, (*Handler).respondToAuthChallenge),
	op("AdminInitiateAuth", AuthSigV4, auditWrites, byAuthUsername, (*Handler).adminInitiateAuth),
	op("AdminRespondToAuthChallenge", AuthSigV4, auditWrites, byChallengeUsername, (*Handler).adminRespondToAuthChallenge),

	// Tokens and sign-out (tokens.go)
	op("GetUser", AuthAccessToken, auditRefusals, noTarget, (*Handler).getUser),
	op("GlobalSignOut", AuthAccessToken, auditWrites, noTarget, (*Handler).globalSignOut),
	op("AdminUserGlobalSignOut", AuthSigV4, auditWrites, byUsername, (*Handler).adminUserGlobalSignOut),
	op("RevokeToken", AuthNone, auditWrites, noTarget, (*Handler).revokeToken),
	op("GetTokensFromRefreshToken", AuthNone, auditWrites, noTarget, (*Handler).getTokensFromRefreshToken), // refresh.go

	// Password recovery (recovery.go)
	op("ForgotPassword", AuthNone, auditWrites, noTarget, (*Handler).forgotPassword),
	op("ConfirmForgotPassword", AuthNone, auditWrites, noTarget, (*Handler).confirmForgotPassword),
	op("AdminResetUserPassword", AuthSigV4, auditWrites, byUsername, (*Handler).adminResetUserPassword),
	op("AdminSetUserPassword", AuthSigV4, auditWrites, byUsername, (*Handler).adminSetUserPassword),

	// A user on their own account (selfservice.go)
	op("ChangePassword", AuthAccessToken, auditWrites, noTarget, (*Handler).changePassword),
	op("UpdateUserAttributes", AuthAccessToken, auditWrites, noTarget, (*Handler).updateUserAttributes),
	op("DeleteUserAttributes", AuthAccessToken, auditWrites, noTarget, (*Handler).deleteUserAttributes),
	op("GetUserAttributeVerificationCode", AuthAccessToken, auditWrites, noTarget, (*Handler).getUserAttributeVerificationCode),
	op("VerifyUserAttribute", AuthAccessToken, auditWrites, noTarget, (*Handler).verifyUserAttribute),
	op("DeleteUser", AuthAccessToken, auditWrites, noTarget, (*Handler).deleteUser),
	op("SetUserSettings", AuthAccessToken, auditWrites, noTarget, (*Handler).setUserSettings),

	// MFA (mfa.go)
	op("AssociateSoftwareToken", AuthAccessToken, auditWrites, noTarget, (*Handler).associateSoftwareToken),
	op("VerifySoftwareToken", AuthAccessToken, auditWrites, noTarget, (*Handler).verifySoftwareToken),
	op("SetUserMFAPreference", AuthAccessToken, auditWrites, noTarget, (*Handler).setUserMFAPreference),
	op("SetUserPoolMfaConfig", AuthSigV4, auditWrites, noTarget, (*Handler).setUserPoolMfaConfig),
	op("GetUserPoolMfaConfig", AuthSigV4, auditRefusals, noTarget, (*Handler).getUserPoolMfaConfig),

	// Devices, administered (devices.go)
	op("AdminGetDevice", AuthSigV4, auditRefusals, byUsername, (*Handler).adminGetDevice),
	op("AdminListDevices", AuthSigV4, auditRefusals, byUsername, (*Handler).adminListDevices),
	op("AdminForgetDevice", AuthSigV4, auditWrites, byUsername, (*Handler).adminForgetDevice),
	op("AdminUpdateDeviceStatus", AuthSigV4, auditWrites, byUsername, (*Handler).adminUpdateDeviceStatus),

	// Devices, by their user (devices_user.go)
	op("ConfirmDevice", AuthAccessToken, auditWrites, noTarget, (*Handler).confirmDevice),
	op("GetDevice", AuthAccessToken, auditRefusals, noTarget, (*Handler).getDevice),
	op("ListDevices", AuthAccessToken, auditRefusals, noTarget, (*Handler).listDevices),
	op("ForgetDevice", AuthAccessToken, auditWrites, noTarget, (*Handler).forgetDevice),
	op("UpdateDeviceStatus", AuthAccessToken, auditWrites, noTarget, (*Handler).updateDeviceStatus),

	// User import jobs (importjobs.go; the CSV upload is internal/importupload)
	op("GetCSVHeader", AuthSigV4, auditRefusals, noTarget, (*Handler).getCSVHeader),
	op("CreateUserImportJob", AuthSigV4, auditWrites, noTarget, (*Handler).createUserImportJob),
	op("DescribeUserImportJob", AuthSigV4, auditRefusals, noTarget, (*Handler).describeUserImportJob),
	op("ListUserImportJobs", AuthSigV4, auditRefusals, noTarget, (*Handler).listUserImportJobs),
	op("StartUserImportJob", AuthSigV4, auditWrites, noTarget, (*Handler).startUserImportJob),
	op("StopUserImportJob", AuthSigV4, auditWrites, noTarget, (*Handler).stopUserImportJob),

	// Domains (poolresources.go)
	op("CreateUserPoolDomain", AuthSigV4, auditWrites, byDomain, (*Handler).createUserPoolDomain),
	op("DescribeUserPoolDomain", AuthSigV4, auditRefusals, byDomain, (*Handler).describeUserPoolDomain),
	op("UpdateUserPoolDomain", AuthSigV4, auditWrites, byDomain, (*Handler).updateUserPoolDomain),
	op("DeleteUserPoolDomain", AuthSigV4, auditWrites, byDomain, (*Handler).deleteUserPoolDomain),

	// Resource servers (poolresources.go)
	op("CreateResourceServer", AuthSigV4, auditWrites, byIdentifier, (*Handler).createResourceServer),
	op("DescribeResourceServer", AuthSigV4, auditRefusals, byIdentifier, (*Handler).describeResourceServer),
	op("UpdateResourceServer", AuthSigV4, auditWrites, byIdentifier, (*Handler).updateResourceServer),
	op("DeleteResourceServer", AuthSigV4, auditWrites, byIdentifier, (*Handler).deleteResourceServer),
	op("ListResourceServers", AuthSigV4, auditRefusals, noTarget, (*Handler).listResourceServers),

	// Identity providers (poolresources.go)
	op("CreateIdentityProvider", AuthSigV4, auditWrites, byProviderName, (*Handler).createIdentityProvider),
	op("DescribeIdentityProvider", AuthSigV4, auditRefusals, byProviderName, (*Handler).describeIdentityProvider),
	op("UpdateIdentityProvider", AuthSigV4, auditWrites, byProviderName, (*Handler).updateIdentityProvider),
	op("DeleteIdentityProvider", AuthSigV4, auditWrites, byProviderName, (*Handler).deleteIdentityProvider),
	op("ListIdentityProviders", AuthSigV4, auditRefusals, noTarget, (*Handler).listIdentityProviders),
	op("GetIdentityProviderByIdentifier", AuthSigV4, auditRefusals, target{member: "IdpIdentifier"}, (*Handler).getIdentityProviderByIdentifier),

	// Hosted UI and managed login look (poolresources.go)
	op("GetUICustomization", AuthSigV4, auditRefusals, byClientID, (*Handler).getUICustomization),
	op("SetUICustomization", AuthSigV4, auditWrites, byClientID, (*Handler).setUICustomization),
	op("CreateManagedLoginBranding", AuthSigV4, auditWrites, byClientID, (*Handler).createManagedLoginBranding),
	op("DescribeManagedLoginBranding", AuthSigV4, auditRefusals, byBrandingID, (*Handler).describeManagedLoginBranding),
	op("DescribeManagedLoginBrandingByClient", AuthSigV4, auditRefusals, byClientID, (*Handler).describeManagedLoginBrandingByClient),
	op("UpdateManagedLoginBranding", AuthSigV4, auditWrites, byBrandingID, (*Handler).updateManagedLoginBranding),
	op("DeleteManagedLoginBranding", AuthSigV4, auditWrites, byBrandingID, (*Handler).deleteManagedLoginBranding),
	op("CreateTerms", AuthSigV4, auditWrites, target{member: "TermsName"}, (*Handler).createTerms),
	op("DescribeTerms", AuthSigV4, auditRefusals, byTermsID, (*Handler).describeTerms),
	op("UpdateTerms", AuthSigV4, auditWrites, byTermsID, (*Handler).updateTerms),
	op("DeleteTerms", AuthSigV4, auditWrites, byTermsID, (*Handler).deleteTerms),
	op("ListTerms", AuthSigV4, auditRefusals, noTarget, (*Handler).listTerms),

	// Threat protection and log delivery settings (poolresources.go)
	op("DescribeRiskConfiguration", AuthSigV4, auditRefusals, byClientID, (*Handler).describeRiskConfiguration),
	op("SetRiskConfiguration", AuthSigV4, auditWrites, byClientID, (*Handler).setRiskConfiguration),
	op("GetLogDeliveryConfiguration", AuthSigV4, auditRefusals, noTarget, (*Handler).getLogDeliveryConfiguration),
	op("SetLogDeliveryConfiguration", AuthSigV4, auditWrites, noTarget, (*Handler).setLogDeliveryConfiguration),
	// Schema and tags (schema.go, tags.go)
	op("AddCustomAttributes", AuthSigV4, auditWrites, noTarget, (*Handler).addCustomAttributes),
	op("TagResource", AuthSigV4, auditWrites, noTarget, (*Handler).tagResource),
	op("UntagResource", AuthSigV4, auditWrites, noTarget, (*Handler).untagResource),
	op("ListTagsForResource", AuthSigV4, auditRefusals, noTarget, (*Handler).listTagsForResource),
	op("GetSigningCertificate", AuthSigV4, auditRefusals, noTarget, (*Handler).getSigningCertificate),

	// What userpool refuses or answers without the feature (refused.go)
	op("CreateUserPoolReplica", AuthSigV4, auditWrites, noTarget, (*Handler).createUserPoolReplica),
	op("DeleteUserPoolReplica", AuthSigV4, auditWrites, noTarget, (*Handler).deleteUserPoolReplica),
	op("UpdateUserPoolReplica", AuthSigV4, auditWrites, noTarget, (*Handler).updateUserPoolReplica),
	op("ListUserPoolReplicas", AuthSigV4, auditRefusals, noTarget, (*Handler).listUserPoolReplicas),
	op("AdminListUserAuthEvents", AuthSigV4, auditRefusals, byUsername, (*Handler).adminListUserAuthEvents),
	op("AdminUpdateAuthEventFeedback", AuthSigV4, auditWrites, byUsername, (*Handler).adminUpdateAuthEventFeedback),
	op("UpdateAuthEventFeedback", AuthNone, auditWrites, noTarget, (*Handler).updateAuthEventFeedback),
	op("AdminLinkProviderForUser", AuthSigV4, auditWrites, noTarget, (*Handler).adminLinkProviderForUser),
	op("AdminDisableProviderForUser", AuthSigV4, auditWrites, noTarget, (*Handler).adminDisableProviderForUser),
	op("StartWebAuthnRegistration", AuthAccessToken, auditWrites, noTarget, (*Handler).startWebAuthnRegistration),
	op("CompleteWebAuthnRegistration", AuthAccessToken, auditWrites, noTarget, (*Handler).completeWebAuthnRegistration),
	op("ListWebAuthnCredentials", AuthAccessToken, auditRefusals, noTarget, (*Handler).listWebAuthnCredentials),
	op("DeleteWebAuthnCredential", AuthAccessToken, auditWrites, noTarget, (*Handler).deleteWebAuthnCredential),
	op("GetUserAuthFactors", AuthAccessToken, auditRefusals, noTarget, (*Handler).getUserAuthFactors),
}

// operationsByName indexes operations; every Handler shares it, read-only.
var operationsByName = indexOperations(operations)

// auditClass says which signed calls of an operation the audit log records.
// Unsigned calls (AuthNone, AuthAccessToken) have no principal and are never
// recorded; their class still says whether they change state.
type auditClass int

const (
	// auditRefusals: the operation only reads; a signed call is recorded
	// only when authentication or the caller's grants refuse it.
	auditRefusals auditClass = iota
	// auditWrites: the operation changes state; every signed call is
	// recorded, allowed, refused or failed.
	auditWrites
)

// operation is one row of the table.
type operation struct {
	name     string
	auth     AuthMode
	audit    auditClass
	newInput func() any
	// target extracts what the call touches, for the audit log; nil: nothing.
	target func(in any) string
	call   func(h *Handler, ctx context.Context, in any) (any, error)
}

// op builds a row. call is a Handler method expression, e.g.
// (*Handler).createGroup; a nil *Out answers {}.
func op[In, Out any](name string, auth AuthMode, audit auditClass, t target, call func(*Handler, context.Context, *In) (*Out, error)) *operation {
	return &operation{
		name:     name,
		auth:     auth,
		audit:    audit,
		newInput: func() any { return new(In) },
		target:   t.extractor(reflect.TypeFor[In](), name),
		call: func(h *Handler, ctx context.Context, in any) (any, error) {
			out, err := call(h, ctx, in.(*In))
			if err != nil {
				return nil, err
			}
			if out == nil {
				return nil, nil
			}
			return out, nil
		},
	}
}

func indexOperations(ops []*operation) map[string]*operation {
	m := make(map[string]*operation, len(ops))
	for _, o := range ops {
		if _, dup := m[o.name]; dup {
			panic("cognitoidp: duplicate operation " + o.name)
		}
		m[o.name] = o
	}
	return m
}

// target names the input member that holds what an operation touches (a
// user, a group, an app client): a string or *string member, or with key a
// map[string]string member's entry.
type target struct {
	member, key string
}

var (
	noTarget            = target{}
	byUsername          = target{member: "Username"}
	byGroupName         = target{member: "GroupName"}
	byClientID          = target{member: "ClientId"}
	byClientName        = target{member: "ClientName"}
	byAuthUsername      = target{member: "AuthParameters", key: "USERNAME"}
	byChallengeUsername = target{member: "ChallengeResponses", key: "USERNAME"}
)

var (
	stringPtrType = reflect.TypeFor[*string]()
	stringMapType = reflect.TypeFor[map[string]string]()
)

// extractor returns the function reading t from an input of type *in (nil
// for noTarget). A member the input does not have, or of another type,
// panics while the table is built, so that no test of the package can run.
func (t target) extractor(in reflect.Type, op string) func(any) string {
	if t.member == "" {
		return nil
	}
	f, ok := in.FieldByName(t.member)
	if !ok {
		panic(fmt.Sprintf("cognitoidp: %s: input %s has no member %s", op, in, t.member))
	}
	for i := range f.Index[:len(f.Index)-1] {
		if in.FieldByIndex(f.Index[:i+1]).Type.Kind() != reflect.Struct {
			panic(fmt.Sprintf("cognitoidp: %s: member %s is promoted through a pointer", op, t.member))
		}
	}
	member := func(v any) reflect.Value { return reflect.ValueOf(v).Elem().FieldByIndex(f.Index) }
	switch {
	case t.key == "" && f.Type.Kind() == reflect.String:
		return func(v any) string { return member(v).String() }
	case t.key == "" && f.Type == stringPtrType:
		return func(v any) string { return unptr(member(v).Interface().(*string)) }
	case t.key != "" && f.Type == stringMapType:
		return func(v any) string { return member(v).Interface().(map[string]string)[t.key] }
	}
	panic(fmt.Sprintf("cognitoidp: %s: member %s (%s) cannot name a target", op, t.member, f.Type))
}
