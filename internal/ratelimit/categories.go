package ratelimit

import "sort"

// Category is a Cognito user-pools quota category.
type Category string

// Cognito's quota categories.
const (
	UserAuthentication     Category = "UserAuthentication"
	UserCreation           Category = "UserCreation"
	UserFederation         Category = "UserFederation"
	UserAccountRecovery    Category = "UserAccountRecovery"
	UserRead               Category = "UserRead"
	UserUpdate             Category = "UserUpdate"
	UserToken              Category = "UserToken"
	UserResourceRead       Category = "UserResourceRead"
	UserResourceUpdate     Category = "UserResourceUpdate"
	UserList               Category = "UserList"
	UserPoolRead           Category = "UserPoolRead"
	UserPoolUpdate         Category = "UserPoolUpdate"
	UserPoolResourceRead   Category = "UserPoolResourceRead"
	UserPoolResourceUpdate Category = "UserPoolResourceUpdate"
	UserPoolClientRead     Category = "UserPoolClientRead"
	UserPoolClientUpdate   Category = "UserPoolClientUpdate"
	ClientAuthentication   Category = "ClientAuthentication"
	LimitManagement        Category = "LimitManagement"
)

// cognitoRPS is each category's "Default quota (RPS)" in Cognito's quota
// table (account-wide, per region).
var cognitoRPS = map[Category]float64{
	UserAuthentication:     120,
	UserCreation:           50,
	UserFederation:         25,
	UserAccountRecovery:    30,
	UserRead:               120,
	UserUpdate:             25,
	UserToken:              120,
	UserResourceRead:       50,
	UserResourceUpdate:     25,
	UserList:               30,
	UserPoolRead:           15,
	UserPoolUpdate:         15,
	UserPoolResourceRead:   20,
	UserPoolResourceUpdate: 15,
	UserPoolClientRead:     15,
	UserPoolClientUpdate:   15,
	ClientAuthentication:   150,
	LimitManagement:        1,
}

// categoryOf is the one table from operation to quota category. Rows
// follow Cognito's quota table; those marked "inferred" are operations the
// table does not list (newer ones), placed with their closest relatives.
var categoryOf = map[string]Category{
	// UserAuthentication
	"InitiateAuth":                UserAuthentication,
	"RespondToAuthChallenge":      UserAuthentication, // NEW_PASSWORD_REQUIRED: UserAccountRecovery (CategoryFor)
	"AdminInitiateAuth":           UserAuthentication,
	"AdminRespondToAuthChallenge": UserAuthentication, // likewise
	"GetTokensFromRefreshToken":   UserAuthentication,

	// UserCreation
	"SignUp":             UserCreation,
	"ConfirmSignUp":      UserCreation,
	"AdminCreateUser":    UserCreation,
	"AdminConfirmSignUp": UserCreation,

	// UserAccountRecovery
	"ChangePassword":         UserAccountRecovery,
	"ConfirmForgotPassword":  UserAccountRecovery,
	"ForgotPassword":         UserAccountRecovery,
	"AdminResetUserPassword": UserAccountRecovery,
	"AdminSetUserPassword":   UserAccountRecovery,

	// UserRead
	"AdminGetUser":            UserRead,
	"AdminGetUserAuthFactors": UserRead,
	"GetUser":                 UserRead,
	"GetUserAuthFactors":      UserRead, // inferred

	// UserUpdate
	"AdminAddUserToGroup":         UserUpdate,
	"AdminDeleteUserAttributes":   UserUpdate,
	"AdminUpdateUserAttributes":   UserUpdate,
	"AdminDeleteUser":             UserUpdate,
	"AdminDisableUser":            UserUpdate,
	"AdminEnableUser":             UserUpdate,
	"AdminLinkProviderForUser":    UserUpdate,
	"AdminDisableProviderForUser": UserUpdate,
	"VerifyUserAttribute":         UserUpdate,
	"DeleteUser":                  UserUpdate,
	"DeleteUserAttributes":        UserUpdate,
	"UpdateUserAttributes":        UserUpdate,
	"AdminUserGlobalSignOut":      UserUpdate,
	"GlobalSignOut":               UserUpdate,
	"AdminRemoveUserFromGroup":    UserUpdate,

	// UserToken
	"RevokeToken": UserToken,

	// UserResourceRead
	"AdminGetDevice":                   UserResourceRead,
	"AdminListGroupsForUser":           UserResourceRead,
	"AdminListDevices":                 UserResourceRead,
	"GetDevice":                        UserResourceRead,
	"ListDevices":                      UserResourceRead,
	"GetUserAttributeVerificationCode": UserResourceRead,
	"ResendConfirmationCode":           UserResourceRead,
	"AdminListUserAuthEvents":          UserResourceRead,
	"ListWebAuthnCredentials":          UserResourceRead, // inferred

	// UserResourceUpdate
	"AdminForgetDevice":            UserResourceUpdate,
	"AdminUpdateAuthEventFeedback": UserResourceUpdate,
	"AdminSetUserMFAPreference":    UserResourceUpdate,
	"AdminDeleteSoftwareToken":     UserResourceUpdate,
	"AdminSetUserSettings":         UserResourceUpdate,
	"AdminUpdateDeviceStatus":      UserResourceUpdate,
	"UpdateDeviceStatus":           UserResourceUpdate,
	"UpdateAuthEventFeedback":      UserResourceUpdate,
	"ConfirmDevice":                UserResourceUpdate,
	"SetUserMFAPreference":         UserResourceUpdate,
	"SetUserSettings":              UserResourceUpdate,
	"VerifySoftwareToken":          UserResourceUpdate,
	"AssociateSoftwareToken":       UserResourceUpdate,
	"ForgetDevice":                 UserResourceUpdate,
	"StartWebAuthnRegistration":    UserResourceUpdate, // inferred
	"CompleteWebAuthnRegistration": UserResourceUpdate, // inferred
	"DeleteWebAuthnCredential":     UserResourceUpdate, // inferred

	// UserList
	"ListUsers":        UserList,
	"ListUsersInGroup": UserList,

	// UserPoolRead
	"DescribeUserPool":     UserPoolRead,
	"ListUserPools":        UserPoolRead,
	"ListUserPoolReplicas": UserPoolRead, // inferred

	// UserPoolUpdate
	"CreateUserPool":        UserPoolUpdate,
	"UpdateUserPool":        UserPoolUpdate,
	"DeleteUserPool":        UserPoolUpdate,
	"CreateUserPoolReplica": UserPoolUpdate, // inferred
	"UpdateUserPoolReplica": UserPoolUpdate, // inferred
	"DeleteUserPoolReplica": UserPoolUpdate, // inferred

	// UserPoolResourceRead
	"DescribeIdentityProvider":             UserPoolResourceRead,
	"DescribeResourceServer":               UserPoolResourceRead,
	"DescribeUserImportJob":                UserPoolResourceRead,
	"DescribeUserPoolDomain":               UserPoolResourceRead,
	"GetCSVHeader":                         UserPoolResourceRead,
	"GetGroup":                             UserPoolResourceRead,
	"GetSigningCertificate":                UserPoolResourceRead,
	"GetIdentityProviderByIdentifier":      UserPoolResourceRead,
	"GetUserPoolMfaConfig":                 UserPoolResourceRead,
	"ListGroups":                           UserPoolResourceRead,
	"ListIdentityProviders":                UserPoolResourceRead,
	"ListResourceServers":                  UserPoolResourceRead,
	"ListTagsForResource":                  UserPoolResourceRead,
	"ListUserImportJobs":                   UserPoolResourceRead,
	"DescribeRiskConfiguration":            UserPoolResourceRead,
	"GetUICustomization":                   UserPoolResourceRead,
	"DescribeManagedLoginBranding":         UserPoolResourceRead,
	"DescribeManagedLoginBrandingByClient": UserPoolResourceRead,
	"DescribeTerms":                        UserPoolResourceRead, // inferred
	"ListTerms":                            UserPoolResourceRead, // inferred
	"GetLogDeliveryConfiguration":          UserPoolResourceRead, // inferred

	// UserPoolResourceUpdate
	"AddCustomAttributes":         UserPoolResourceUpdate,
	"CreateGroup":                 UserPoolResourceUpdate,
	"CreateIdentityProvider":      UserPoolResourceUpdate,
	"CreateResourceServer":        UserPoolResourceUpdate,
	"CreateUserImportJob":         UserPoolResourceUpdate,
	"CreateUserPoolDomain":        UserPoolResourceUpdate,
	"DeleteGroup":                 UserPoolResourceUpdate,
	"DeleteIdentityProvider":      UserPoolResourceUpdate,
	"DeleteResourceServer":        UserPoolResourceUpdate,
	"DeleteUserPoolDomain":        UserPoolResourceUpdate,
	"SetUserPoolMfaConfig":        UserPoolResourceUpdate,
	"StartUserImportJob":          UserPoolResourceUpdate,
	"StopUserImportJob":           UserPoolResourceUpdate,
	"UpdateGroup":                 UserPoolResourceUpdate,
	"UpdateIdentityProvider":      UserPoolResourceUpdate,
	"UpdateResourceServer":        UserPoolResourceUpdate,
	"UpdateUserPoolDomain":        UserPoolResourceUpdate,
	"SetRiskConfiguration":        UserPoolResourceUpdate,
	"SetUICustomization":          UserPoolResourceUpdate,
	"TagResource":                 UserPoolResourceUpdate,
	"UntagResource":               UserPoolResourceUpdate,
	"CreateManagedLoginBranding":  UserPoolResourceUpdate,
	"UpdateManagedLoginBranding":  UserPoolResourceUpdate,
	"DeleteManagedLoginBranding":  UserPoolResourceUpdate,
	"CreateTerms":                 UserPoolResourceUpdate, // inferred
	"UpdateTerms":                 UserPoolResourceUpdate, // inferred
	"DeleteTerms":                 UserPoolResourceUpdate, // inferred
	"SetLogDeliveryConfiguration": UserPoolResourceUpdate, // inferred

	// UserPoolClientRead
	"DescribeUserPoolClient":    UserPoolClientRead,
	"ListUserPoolClients":       UserPoolClientRead,
	"ListUserPoolClientSecrets": UserPoolClientRead, // inferred

	// UserPoolClientUpdate
	"CreateUserPoolClient":       UserPoolClientUpdate,
	"DeleteUserPoolClient":       UserPoolClientUpdate,
	"UpdateUserPoolClient":       UserPoolClientUpdate,
	"AddUserPoolClientSecret":    UserPoolClientUpdate, // inferred
	"DeleteUserPoolClientSecret": UserPoolClientUpdate, // inferred

	// ClientAuthentication
	"GetClientToken": ClientAuthentication,

	// LimitManagement
	"GetProvisionedLimit":    LimitManagement,
	"UpdateProvisionedLimit": LimitManagement,
}

// CategoryOf returns the quota category of an operation (the X-Amz-Target
// suffix), false for an operation the table does not know.
func CategoryOf(operation string) (Category, bool) {
	c, ok := categoryOf[operation]
	return c, ok
}

// CategoryFor is CategoryOf with Cognito's one exception: a challenge
// response to NEW_PASSWORD_REQUIRED counts toward UserAccountRecovery.
func CategoryFor(operation, challengeName string) (Category, bool) {
	if challengeName == "NEW_PASSWORD_REQUIRED" &&
		(operation == "RespondToAuthChallenge" || operation == "AdminRespondToAuthChallenge") {
		return UserAccountRecovery, true
	}
	return CategoryOf(operation)
}

// Categories lists every category, sorted.
func Categories() []Category {
	cs := make([]Category, 0, len(cognitoRPS))
	for c := range cognitoRPS {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
	return cs
}

// CognitoRPS is the category's default quota in Amazon Cognito (0 for an
// unknown category).
func CognitoRPS(c Category) float64 { return cognitoRPS[c] }
