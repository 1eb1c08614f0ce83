package iam

import "strings"

// DefaultAccount is the account id used in ARNs unless configured otherwise
// (the conventional placeholder of local AWS emulators).
const DefaultAccount = "000000000000"

// PoolARN is arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>.
func PoolARN(region, account, poolID string) string {
	if account == "" {
		account = DefaultAccount
	}
	return "arn:aws:cognito-idp:" + region + ":" + account + ":userpool/" + poolID
}

// PrincipalARN is arn:aws:iam::<account>:user/<name>.
func PrincipalARN(account, name string) string {
	if account == "" {
		account = DefaultAccount
	}
	return "arn:aws:iam::" + account + ":user/" + name
}

// RegionFromPoolID returns the region prefix of a pool id ("us-east-1" for
// "us-east-1_AbCdEf123"), or "" when the id has no '_'.
func RegionFromPoolID(poolID string) string {
	region, _, ok := strings.Cut(poolID, "_")
	if !ok {
		return ""
	}
	return region
}

// ResourceARN is the resource an access-denied message names for operation:
// "*" for account-scoped operations (CreateUserPool, ListUserPools have no IAM
// resource type), otherwise the pool ARN in the pool's own region (taken from
// the pool id, falling back to region).
func ResourceARN(region, account, operation, poolID string) string {
	if AccountScoped(strings.TrimPrefix(operation, ActionPrefix)) || poolID == "" {
		return "*"
	}
	if r := RegionFromPoolID(poolID); r != "" {
		region = r
	}
	return PoolARN(region, account, poolID)
}

// AccessDeniedMessage is AWS's current AccessDeniedException text for an
// identity-policy denial:
//
//	User: <principalARN> is not authorized to perform: cognito-idp:<Op> on resource: <resourceARN> because no identity-based policy allows the cognito-idp:<Op> action
//
// operation may be bare ("AdminGetUser") or prefixed.
func AccessDeniedMessage(principalARN, operation, resourceARN string) string {
	action := ActionPrefix + strings.TrimPrefix(operation, ActionPrefix)
	return "User: " + principalARN + " is not authorized to perform: " + action +
		" on resource: " + resourceARN + " because no identity-based policy allows the " + action + " action"
}
