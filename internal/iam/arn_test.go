package iam

import "testing"

func TestARNs(t *testing.T) {
	tests := []struct{ got, want string }{
		{PoolARN("us-east-1", "123456789012", "us-east-1_AbCdEf123"), "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"},
		{PoolARN("eu-west-1", "", "eu-west-1_X"), "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_X"},
		{PrincipalARN("", "adminFn"), "arn:aws:iam::000000000000:user/adminFn"},
		{PrincipalARN("123456789012", "adminFn"), "arn:aws:iam::123456789012:user/adminFn"},
		{ResourceARN("us-east-1", "", "ListUserPools", ""), "*"},
		{ResourceARN("us-east-1", "", "cognito-idp:CreateUserPool", ""), "*"},
		{ResourceARN("us-east-1", "", "AdminGetUser", "eu-central-1_abc"), "arn:aws:cognito-idp:eu-central-1:000000000000:userpool/eu-central-1_abc"},
		{ResourceARN("us-west-2", "", "AdminGetUser", "nounderscore"), "arn:aws:cognito-idp:us-west-2:000000000000:userpool/nounderscore"},
		{RegionFromPoolID("ap-southeast-2_F54j6m3T2"), "ap-southeast-2"},
		{RegionFromPoolID("bad"), ""},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestAccessDeniedMessage(t *testing.T) {
	principal := PrincipalARN("", "listFn")
	res := PoolARN("us-east-1", "", "us-east-1_AbCdEf123")
	const want = "User: arn:aws:iam::000000000000:user/listFn is not authorized to perform: cognito-idp:ListUsers on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbCdEf123 because no identity-based policy allows the cognito-idp:ListUsers action"
	for _, op := range []string{"ListUsers", "cognito-idp:ListUsers"} {
		if got := AccessDeniedMessage(principal, op, res); got != want {
			t.Errorf("AccessDeniedMessage(%q) =\n %s\nwant\n %s", op, got, want)
		}
	}
	const wantList = "User: arn:aws:iam::000000000000:user/listFn is not authorized to perform: cognito-idp:ListUserPools on resource: * because no identity-based policy allows the cognito-idp:ListUserPools action"
	if got := AccessDeniedMessage(principal, "ListUserPools", ResourceARN("us-east-1", "", "ListUserPools", "")); got != wantList {
		t.Errorf("ListUserPools message = %s", got)
	}
}
