package iam

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ActionPrefix is the IAM service prefix of Cognito user pools.
const ActionPrefix = "cognito-idp:"

// ActionAll is the wildcard action: every signed operation.
const ActionAll = "cognito-idp:*"

// signedOperations are the 94 cognito-idp operations that require SigV4
// (authtype other than "none" in the service model); only these can be
// granted. The 32 unsigned operations (SignUp, InitiateAuth, GetUser, ...)
// are authorized by tokens in the request body, never by IAM.
var signedOperations = []string{
	"AddCustomAttributes", "AddUserPoolClientSecret", "AdminAddUserToGroup", "AdminConfirmSignUp",
	"AdminCreateUser", "AdminDeleteUser", "AdminDeleteUserAttributes", "AdminDisableProviderForUser",
	"AdminDisableUser", "AdminEnableUser", "AdminForgetDevice", "AdminGetDevice", "AdminGetUser",
	"AdminInitiateAuth", "AdminLinkProviderForUser", "AdminListDevices", "AdminListGroupsForUser",
	"AdminListUserAuthEvents", "AdminRemoveUserFromGroup", "AdminResetUserPassword",
	"AdminRespondToAuthChallenge", "AdminSetUserMFAPreference", "AdminSetUserPassword", "AdminSetUserSettings",
	"AdminUpdateAuthEventFeedback", "AdminUpdateDeviceStatus", "AdminUpdateUserAttributes",
	"AdminUserGlobalSignOut", "CreateGroup", "CreateIdentityProvider", "CreateManagedLoginBranding",
	"CreateResourceServer", "CreateTerms", "CreateUserImportJob", "CreateUserPool", "CreateUserPoolClient",
	"CreateUserPoolDomain", "DeleteGroup", "DeleteIdentityProvider", "DeleteManagedLoginBranding",
	"DeleteResourceServer", "DeleteTerms", "DeleteUserPool", "DeleteUserPoolClient", "DeleteUserPoolClientSecret",
	"DeleteUserPoolDomain", "DescribeIdentityProvider", "DescribeManagedLoginBranding",
	"DescribeManagedLoginBrandingByClient", "DescribeResourceServer", "DescribeRiskConfiguration",
	"DescribeTerms", "DescribeUserImportJob", "DescribeUserPool", "DescribeUserPoolClient",
	"DescribeUserPoolDomain", "GetCSVHeader", "GetGroup", "GetIdentityProviderByIdentifier",
	"GetLogDeliveryConfiguration", "GetSigningCertificate", "GetUICustomization", "GetUserPoolMfaConfig",
	"ListGroups", "ListIdentityProviders", "ListResourceServers", "ListTagsForResource", "ListTerms",
	"ListUserImportJobs", "ListUserPoolClientSecrets", "ListUserPoolClients", "ListUserPools", "ListUsers",
	"ListUsersInGroup", "SetLogDeliveryConfiguration", "SetRiskConfiguration", "SetUICustomization",
	"SetUserPoolMfaConfig", "StartUserImportJob", "StopUserImportJob", "TagResource", "UntagResource",
	"UpdateGroup", "UpdateIdentityProvider", "UpdateManagedLoginBranding", "UpdateResourceServer", "UpdateTerms",
	"UpdateUserPool", "UpdateUserPoolClient", "UpdateUserPoolDomain",
	// Multi-Region replicas (newer models).
	"CreateUserPoolReplica", "DeleteUserPoolReplica", "ListUserPoolReplicas", "UpdateUserPoolReplica",
}

// accountScoped operations act on the account, not on one pool: IAM has no
// resource type for them, so only grants on every pool ("*") allow them.
var accountScoped = map[string]bool{
	"CreateUserPool": true,
	"ListUserPools":  true,
}

// amplifyActions is Amplify gen 2's access action table (`iamActionMap` in
// amplify-backend's userpool_access_policy_factory.ts): 5 bundles and 25
// single-purpose actions. Values are bare operation names.
var amplifyActions = map[string][]string{
	// bundles
	"manageUsers": {
		"AdminConfirmSignUp", "AdminCreateUser", "AdminDeleteUser", "AdminDeleteUserAttributes",
		"AdminDisableUser", "AdminEnableUser", "AdminGetUser", "AdminListGroupsForUser",
		"AdminRespondToAuthChallenge", "AdminSetUserMFAPreference", "AdminSetUserSettings",
		"AdminUpdateUserAttributes", "AdminUserGlobalSignOut",
	},
	"manageGroupMembership":  {"AdminAddUserToGroup", "AdminRemoveUserFromGroup"},
	"manageGroups":           {"GetGroup", "ListGroups", "CreateGroup", "DeleteGroup", "UpdateGroup"},
	"manageUserDevices":      {"AdminForgetDevice", "AdminGetDevice", "AdminListDevices", "AdminUpdateDeviceStatus"},
	"managePasswordRecovery": {"AdminResetUserPassword", "AdminSetUserPassword"},
	// single-purpose
	"addUserToGroup":       {"AdminAddUserToGroup"},
	"createGroup":          {"CreateGroup"},
	"createUser":           {"AdminCreateUser"},
	"deleteGroup":          {"DeleteGroup"},
	"deleteUser":           {"AdminDeleteUser"},
	"deleteUserAttributes": {"AdminDeleteUserAttributes"},
	"disableUser":          {"AdminDisableUser"},
	"enableUser":           {"AdminEnableUser"},
	"forgetDevice":         {"AdminForgetDevice"},
	"getDevice":            {"AdminGetDevice"},
	"getGroup":             {"GetGroup"},
	"getUser":              {"AdminGetUser"},
	"listUsers":            {"ListUsers"},
	"listUsersInGroup":     {"ListUsersInGroup"},
	"listDevices":          {"AdminListDevices"},
	"listGroups":           {"ListGroups"},
	"listGroupsForUser":    {"AdminListGroupsForUser"},
	"removeUserFromGroup":  {"AdminRemoveUserFromGroup"},
	"resetUserPassword":    {"AdminResetUserPassword"},
	"setUserMfaPreference": {"AdminSetUserMFAPreference"},
	"setUserPassword":      {"AdminSetUserPassword"},
	"setUserSettings":      {"AdminSetUserSettings"},
	"updateDeviceStatus":   {"AdminUpdateDeviceStatus"},
	"updateGroup":          {"UpdateGroup"},
	"updateUserAttributes": {"AdminUpdateUserAttributes"},
}

// operationByFold maps a lower-cased operation name to its model spelling
// (IAM action names are case-insensitive).
var operationByFold = func() map[string]string {
	m := make(map[string]string, len(signedOperations))
	for _, op := range signedOperations {
		m[strings.ToLower(op)] = op
	}
	return m
}()

// SignedOperations returns the operations that can be granted, sorted.
func SignedOperations() []string {
	ops := slices.Clone(signedOperations)
	sort.Strings(ops)
	return ops
}

// IsSignedOperation reports whether op (exact model spelling) is a SigV4
// operation.
func IsSignedOperation(op string) bool {
	_, ok := signedSet[op]
	return ok
}

var signedSet = func() map[string]struct{} {
	m := make(map[string]struct{}, len(signedOperations))
	for _, op := range signedOperations {
		m[op] = struct{}{}
	}
	return m
}()

// AccountScoped reports whether op is not scoped to one pool (CreateUserPool,
// ListUserPools); such operations are allowed only by grants on "*".
func AccountScoped(op string) bool { return accountScoped[op] }

// AmplifyActions returns the 30 Amplify gen 2 action names, sorted.
func AmplifyActions() []string {
	names := make([]string, 0, len(amplifyActions))
	for n := range amplifyActions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Expand resolves one grant action to the "cognito-idp:<Operation>" actions
// it allows. It accepts the 30 Amplify gen 2 names (case-sensitive, as in
// Amplify), "cognito-idp:<Operation>" for any SigV4-signed operation (the
// prefix and operation compared case-insensitively, as IAM does; the result
// uses the model spelling), and "cognito-idp:*" (every signed operation).
// Anything else is an error naming the valid forms.
func Expand(action string) ([]string, error) {
	ops, err := expandOps(action)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = ActionPrefix + op
	}
	return out, nil
}

// expandOps is Expand with bare operation names; nil ops and a nil error
// never happen together. The returned slice must not be modified.
func expandOps(action string) ([]string, error) {
	if ops, ok := amplifyActions[action]; ok {
		return ops, nil
	}
	if len(action) > len(ActionPrefix) && strings.EqualFold(action[:len(ActionPrefix)], ActionPrefix) {
		name := action[len(ActionPrefix):]
		if name == "*" {
			return signedOperations, nil
		}
		if op, ok := operationByFold[strings.ToLower(name)]; ok {
			return []string{op}, nil
		}
		if _, unsigned := unsignedOperations[strings.ToLower(name)]; unsigned {
			return nil, &ActionError{Action: action, Reason: fmt.Sprintf("%q cannot be granted: cognito-idp:%s is not a SigV4 operation (it is authorized by a token in the request)", action, name)}
		}
		return nil, &ActionError{Action: action, Reason: fmt.Sprintf("unknown Cognito operation in action %q; valid operations: %s", action, strings.Join(SignedOperations(), ", "))}
	}
	return nil, &ActionError{Action: action, Reason: fmt.Sprintf("unknown action %q; valid actions are the Amplify names (%s), %q or %q",
		action, strings.Join(AmplifyActions(), ", "), ActionPrefix+"<Operation>", ActionAll)}
}

// ActionError is a grant's action list that iam refuses: an unknown or
// ungrantable action, or none at all. Its Error is "iam: " + Reason; Reason
// alone reads well after the caller's own name for the field (a flag, a
// configuration path).
type ActionError struct {
	Action string // the refused action; "" when none was given
	Reason string
}

func (e *ActionError) Error() string { return "iam: " + e.Reason }

// unsignedOperations (lower-cased) exist only to give a better error.
var unsignedOperations = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, op := range []string{
		"AssociateSoftwareToken", "ChangePassword", "CompleteWebAuthnRegistration", "ConfirmDevice",
		"ConfirmForgotPassword", "ConfirmSignUp", "DeleteUser", "DeleteUserAttributes", "DeleteWebAuthnCredential",
		"ForgetDevice", "ForgotPassword", "GetDevice", "GetTokensFromRefreshToken", "GetUser",
		"GetUserAttributeVerificationCode", "GetUserAuthFactors", "GlobalSignOut", "InitiateAuth", "ListDevices",
		"ListWebAuthnCredentials", "ResendConfirmationCode", "RespondToAuthChallenge", "RevokeToken",
		"SetUserMFAPreference", "SetUserSettings", "SignUp", "StartWebAuthnRegistration", "UpdateAuthEventFeedback",
		"UpdateDeviceStatus", "UpdateUserAttributes", "VerifySoftwareToken", "VerifyUserAttribute",
	} {
		m[strings.ToLower(op)] = struct{}{}
	}
	return m
}()

// ValidateActions checks every action of a grant list (config validation);
// a refusal is an *ActionError.
func ValidateActions(actions []string) error {
	if len(actions) == 0 {
		return &ActionError{Reason: "at least one action must be specified"}
	}
	for _, a := range actions {
		if _, err := expandOps(a); err != nil {
			return err
		}
	}
	return nil
}
