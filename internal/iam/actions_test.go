package iam

import (
	"slices"
	"strings"
	"testing"
)

// amplifyTable is adminqueries.md §5.2 (amplify-backend iamActionMap),
// written out independently of the implementation's map.
var amplifyTable = map[string][]string{
	"manageUsers": {"AdminConfirmSignUp", "AdminCreateUser", "AdminDeleteUser", "AdminDeleteUserAttributes",
		"AdminDisableUser", "AdminEnableUser", "AdminGetUser", "AdminListGroupsForUser", "AdminRespondToAuthChallenge",
		"AdminSetUserMFAPreference", "AdminSetUserSettings", "AdminUpdateUserAttributes", "AdminUserGlobalSignOut"},
	"manageGroupMembership":  {"AdminAddUserToGroup", "AdminRemoveUserFromGroup"},
	"manageGroups":           {"CreateGroup", "DeleteGroup", "GetGroup", "ListGroups", "UpdateGroup"},
	"manageUserDevices":      {"AdminForgetDevice", "AdminGetDevice", "AdminListDevices", "AdminUpdateDeviceStatus"},
	"managePasswordRecovery": {"AdminResetUserPassword", "AdminSetUserPassword"},
	"addUserToGroup":         {"AdminAddUserToGroup"},
	"createGroup":            {"CreateGroup"},
	"createUser":             {"AdminCreateUser"},
	"deleteGroup":            {"DeleteGroup"},
	"deleteUser":             {"AdminDeleteUser"},
	"deleteUserAttributes":   {"AdminDeleteUserAttributes"},
	"disableUser":            {"AdminDisableUser"},
	"enableUser":             {"AdminEnableUser"},
	"forgetDevice":           {"AdminForgetDevice"},
	"getDevice":              {"AdminGetDevice"},
	"getGroup":               {"GetGroup"},
	"getUser":                {"AdminGetUser"},
	"listUsers":              {"ListUsers"},
	"listUsersInGroup":       {"ListUsersInGroup"},
	"listDevices":            {"AdminListDevices"},
	"listGroups":             {"ListGroups"},
	"listGroupsForUser":      {"AdminListGroupsForUser"},
	"removeUserFromGroup":    {"AdminRemoveUserFromGroup"},
	"resetUserPassword":      {"AdminResetUserPassword"},
	"setUserMfaPreference":   {"AdminSetUserMFAPreference"},
	"setUserPassword":        {"AdminSetUserPassword"},
	"setUserSettings":        {"AdminSetUserSettings"},
	"updateDeviceStatus":     {"AdminUpdateDeviceStatus"},
	"updateGroup":            {"UpdateGroup"},
	"updateUserAttributes":   {"AdminUpdateUserAttributes"},
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func TestAmplifyTable(t *testing.T) {
	if len(amplifyTable) != 30 {
		t.Fatalf("test table has %d names, want 30", len(amplifyTable))
	}
	names := AmplifyActions()
	if len(names) != 30 {
		t.Fatalf("AmplifyActions() has %d names, want 30: %v", len(names), names)
	}
	for _, n := range names {
		if _, ok := amplifyTable[n]; !ok {
			t.Errorf("implementation has action %q that Amplify does not", n)
		}
	}
	for name, want := range amplifyTable {
		got, err := Expand(name)
		if err != nil {
			t.Errorf("Expand(%q): %v", name, err)
			continue
		}
		var wantFull []string
		for _, op := range want {
			wantFull = append(wantFull, "cognito-idp:"+op)
		}
		if !slices.Equal(sortedCopy(got), sortedCopy(wantFull)) {
			t.Errorf("Expand(%q) =\n %v\nwant\n %v", name, sortedCopy(got), sortedCopy(wantFull))
		}
		if len(slices.Compact(sortedCopy(got))) != len(got) {
			t.Errorf("Expand(%q) has duplicates: %v", name, got)
		}
	}
}

func TestManageUsersExcludes(t *testing.T) {
	got, err := Expand("manageUsers")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 13 {
		t.Errorf("manageUsers expands to %d actions, want 13", len(got))
	}
	for _, op := range []string{"ListUsers", "ListUsersInGroup", "AdminAddUserToGroup", "AdminRemoveUserFromGroup"} {
		if slices.Contains(got, "cognito-idp:"+op) {
			t.Errorf("manageUsers includes %s; Amplify's does not", op)
		}
	}
}

func TestSignedOperations(t *testing.T) {
	ops := SignedOperations()
	if len(ops) != 94 {
		t.Fatalf("%d signed operations, want 94", len(ops))
	}
	if len(slices.Compact(slices.Clone(ops))) != 94 {
		t.Fatal("duplicate signed operations")
	}
	if len(unsignedOperations) != 32 {
		t.Fatalf("%d unsigned operations, want 32", len(unsignedOperations))
	}
	for _, op := range ops {
		if _, clash := unsignedOperations[strings.ToLower(op)]; clash {
			t.Errorf("%s is both signed and unsigned", op)
		}
	}
	for name, want := range amplifyTable {
		for _, op := range want {
			if !IsSignedOperation(op) {
				t.Errorf("%s expands to %s, which is not a signed operation", name, op)
			}
		}
	}
	for _, op := range []string{"CreateUserPool", "ListUserPools"} {
		if !AccountScoped(op) {
			t.Errorf("%s should be account-scoped", op)
		}
	}
	if AccountScoped("ListUsers") || AccountScoped("DescribeUserPool") {
		t.Error("pool operations reported account-scoped")
	}
}

func TestExpandRawAndWildcard(t *testing.T) {
	tests := []struct {
		action string
		want   []string
	}{
		{"cognito-idp:AdminGetUser", []string{"cognito-idp:AdminGetUser"}},
		{"cognito-idp:ListUserPools", []string{"cognito-idp:ListUserPools"}},
		{"cognito-idp:admingetuser", []string{"cognito-idp:AdminGetUser"}},
		{"COGNITO-IDP:AdminListUserAuthEvents", []string{"cognito-idp:AdminListUserAuthEvents"}},
	}
	for _, tc := range tests {
		got, err := Expand(tc.action)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Expand(%q) = %v, %v; want %v", tc.action, got, err, tc.want)
		}
	}
	all, err := Expand("cognito-idp:*")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 94 || !slices.Contains(all, "cognito-idp:CreateUserPool") || !slices.Contains(all, "cognito-idp:AdminInitiateAuth") {
		t.Errorf("cognito-idp:* expands to %d actions: %v", len(all), all)
	}
	if slices.Contains(all, "cognito-idp:SignUp") {
		t.Error("cognito-idp:* includes an unsigned operation")
	}
}

func TestExpandErrors(t *testing.T) {
	tests := []struct{ action, mention string }{
		{"ManageUsers", "manageUsers"}, // Amplify names are case-sensitive; the error lists valid ones
		{"listUserPools", "listUsersInGroup"},
		{"", "manageGroups"},
		{"*", "cognito-idp:*"},
		{"cognito-idp:", "manageUsers"},
		{"cognito-idp:AdminGetUsers", "AdminGetUser"},
		{"cognito-idp:Admin*", "AdminGetUser"},
		{"cognito-idp:SignUp", "not a SigV4 operation"},
		{"cognito-identity:GetId", "manageUsers"},
		{"s3:*", "cognito-idp:*"},
	}
	for _, tc := range tests {
		_, err := Expand(tc.action)
		if err == nil {
			t.Errorf("Expand(%q) succeeded", tc.action)
			continue
		}
		if !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Expand(%q) error %q does not mention %q", tc.action, err, tc.mention)
		}
	}
	if err := ValidateActions(nil); err == nil {
		t.Error("ValidateActions(nil) succeeded")
	}
	if err := ValidateActions([]string{"getUser", "bogus"}); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("ValidateActions with bogus: %v", err)
	}
	if err := ValidateActions([]string{"getUser", "cognito-idp:ListUsers", "cognito-idp:*"}); err != nil {
		t.Errorf("ValidateActions: %v", err)
	}
}
