package cognitoidp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/userpool"
)

func ugGroup(t *testing.T, c *cip.Client, pool, name string) {
	t.Helper()
	if _, err := c.CreateGroup(context.Background(), &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String(name)}); err != nil {
		t.Fatalf("CreateGroup(%s): %v", name, err)
	}
}

func ugAdd(t *testing.T, c *cip.Client, pool, user, group string) {
	t.Helper()
	if _, err := c.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String(user), GroupName: aws.String(group)}); err != nil {
		t.Fatalf("AdminAddUserToGroup(%s, %s): %v", user, group, err)
	}
}

func ugGroupNames(gs []types.GroupType) string {
	var names []string
	for _, g := range gs {
		names = append(names, aws.ToString(g.GroupName))
	}
	return strings.Join(names, ",")
}

func TestE2EGroupCRUD(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	out, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins"),
		Description: aws.String("Administrators"), RoleArn: aws.String("arn:aws:iam::123456789012:role/Admin"), Precedence: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	g := out.Group
	if aws.ToString(g.GroupName) != "admins" || aws.ToString(g.UserPoolId) != pool || aws.ToString(g.Description) != "Administrators" ||
		aws.ToString(g.RoleArn) != "arn:aws:iam::123456789012:role/Admin" || aws.ToInt32(g.Precedence) != 2 || g.CreationDate == nil || g.LastModifiedDate == nil {
		t.Fatalf("group = %+v", g)
	}
	_, err = c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")})
	ugWantAPIErr[*types.GroupExistsException](t, err, "A group with the name already exists.")

	up, err := c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins"), Precedence: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.Group.Description) != "Administrators" || aws.ToString(up.Group.RoleArn) == "" || aws.ToInt32(up.Group.Precedence) != 7 {
		t.Fatalf("updated = %+v", up.Group)
	}
	got, err := c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")})
	if err != nil || aws.ToInt32(got.Group.Precedence) != 7 {
		t.Fatalf("GetGroup = %+v, %v", got, err)
	}
	if _, err := c.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Group not found.")
	_, err = c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Group not found.")
	_, err = c.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Group not found.")

	for _, tc := range []struct {
		in  *cip.CreateGroupInput
		msg string
	}{
		{&cip.CreateGroupInput{GroupName: aws.String("a b")}, `1 validation error detected: Value 'a b' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`},
		{&cip.CreateGroupInput{GroupName: aws.String("g"), Precedence: aws.Int32(-1)}, "1 validation error detected: Value '-1' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{&cip.CreateGroupInput{GroupName: aws.String("g"), RoleArn: aws.String("not-an-arn-but-long-enough")}, `1 validation error detected: Value 'not-an-arn-but-long-enough' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`},
		{&cip.CreateGroupInput{GroupName: aws.String("g"), Description: aws.String(strings.Repeat("d", 2049))}, "1 validation error detected: Value '" + strings.Repeat("d", 2049) + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"},
	} {
		tc.in.UserPoolId = aws.String(pool)
		_, err := c.CreateGroup(ctx, tc.in)
		ugWantAPIErr[*types.InvalidParameterException](t, err, tc.msg)
	}
}

func TestE2EGroupLimits(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{GroupsPerPool: 2, GroupsPerUser: 1})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	ugGroup(t, c, pool, "g1")
	ugGroup(t, c, pool, "g2")
	_, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("g3")})
	ugWantAPIErr[*types.LimitExceededException](t, err, "")
	ugCreate(t, c, pool, "mia")
	ugAdd(t, c, pool, "mia", "g1")
	ugAdd(t, c, pool, "mia", "g1") // idempotent, even at the limit
	_, err = c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String("mia"), GroupName: aws.String("g2")})
	// AdminAddUserToGroup's model lists no LimitExceededException, so the SDK
	// surfaces it as a generic API error with that code.
	ugWantCode(t, err, "LimitExceededException", "The user has reached the limit of 1 groups.")
}

func TestE2EMembership(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, &cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	u := ugCreate(t, c, pool, "nia@example.com")
	sub := aws.ToString(u.Username)
	var groups []string
	for i := 0; i < 5; i++ {
		n := fmt.Sprintf("grp%d", i)
		ugGroup(t, c, pool, n)
		groups = append(groups, n)
		who := "nia@example.com"
		if i%2 == 1 {
			who = sub
		}
		ugAdd(t, c, pool, who, n)
	}
	_, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String("ghost@example.com"), GroupName: aws.String("grp0")})
	ugWantAPIErr[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String(sub), GroupName: aws.String("nope")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Group not found.")

	for _, who := range []string{"NIA@example.com", sub} {
		var got []types.GroupType
		var token *string
		for {
			out, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool), Username: aws.String(who), Limit: aws.Int32(2), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out.Groups...)
			if out.NextToken == nil {
				break
			}
			token = out.NextToken
		}
		if ugGroupNames(got) != strings.Join(groups, ",") {
			t.Fatalf("groups of %s = %s", who, ugGroupNames(got))
		}
	}
	_, err = c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool), Username: aws.String(sub), Limit: aws.Int32(61)})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")

	if _, err := c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: aws.String(pool), Username: aws.String("nia@example.com"), GroupName: aws.String("grp0")}); err != nil {
		t.Fatal(err)
	}
	out, _ := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool), Username: aws.String(sub)})
	if ugGroupNames(out.Groups) != "grp1,grp2,grp3,grp4" {
		t.Fatalf("after remove: %s", ugGroupNames(out.Groups))
	}

	// Deleting a group removes its memberships; deleting the user removes the rest.
	if _, err := c.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("grp1")}); err != nil {
		t.Fatal(err)
	}
	ugGroup(t, c, pool, "grp1")
	out, _ = c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool), Username: aws.String(sub)})
	if ugGroupNames(out.Groups) != "grp2,grp3,grp4" {
		t.Fatalf("after group delete: %s", ugGroupNames(out.Groups))
	}
	if _, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String(sub)}); err != nil {
		t.Fatal(err)
	}
	ugCreate(t, c, pool, "nia@example.com")
	members, err := c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("grp2")})
	if err != nil || len(members.Users) != 0 {
		t.Fatalf("members after user delete = %v, %v", members, err)
	}
}

func TestE2EListGroupsAndMembersPaging(t *testing.T) {
	t.Parallel()
	c, _ := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	ugGroup(t, c, pool, "team")
	var wantGroups, wantUsers []string
	for i := 0; i < 7; i++ {
		g := fmt.Sprintf("g%d", i)
		ugGroup(t, c, pool, g)
		wantGroups = append(wantGroups, g)
		u := fmt.Sprintf("u%d", i)
		ugCreate(t, c, pool, u, ugAttr("email", u+"@example.com"))
		ugAdd(t, c, pool, u, "team")
		wantUsers = append(wantUsers, u)
	}
	wantGroups = append(wantGroups, "team")

	var groups []types.GroupType
	var token *string
	for {
		out, err := c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(pool), Limit: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Groups) > 3 {
			t.Fatalf("page of %d", len(out.Groups))
		}
		groups = append(groups, out.Groups...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if ugGroupNames(groups) != strings.Join(wantGroups, ",") {
		t.Fatalf("ListGroups = %s", ugGroupNames(groups))
	}

	var users []types.UserType
	token = nil
	for {
		out, err := c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("team"), Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, out.Users...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if ugNames(users) != strings.Join(wantUsers, ",") {
		t.Fatalf("ListUsersInGroup = %s", ugNames(users))
	}
	if m := ugAttrMap(users[0].Attributes); m["sub"] == "" || m["email"] != "u0@example.com" || users[0].UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("member = %+v", users[0])
	}
	_, err := c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("none")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Group not found.")
	_, err = c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(pool), Limit: aws.Int32(61)})
	ugWantAPIErr[*types.InvalidParameterException](t, err, "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	_, err = c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String("us-east-1_none")})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "User pool us-east-1_none does not exist.")
}
