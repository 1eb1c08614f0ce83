package cognitoidp

import (
	"context"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// GroupType is a group of a pool.
type GroupType struct {
	GroupName        string        `json:"GroupName"`
	UserPoolId       string        `json:"UserPoolId"`
	Description      string        `json:"Description,omitempty"`
	RoleArn          string        `json:"RoleArn,omitempty"`
	Precedence       *int64        `json:"Precedence,omitempty"`
	LastModifiedDate *awsjson.Time `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time `json:"CreationDate,omitempty"`
}

func toGroupType(g userpool.Group) GroupType {
	return GroupType{
		GroupName:        g.Name,
		UserPoolId:       g.PoolID,
		Description:      g.Description,
		RoleArn:          g.RoleArn,
		Precedence:       g.Precedence,
		LastModifiedDate: awsjson.NewTime(g.UpdatedAt),
		CreationDate:     awsjson.NewTime(g.CreatedAt),
	}
}

func toGroupTypes(gs []userpool.Group) []GroupType {
	out := make([]GroupType, len(gs))
	for i, g := range gs {
		out[i] = toGroupType(g)
	}
	return out
}

// CreateGroupInput is the input of CreateGroup and UpdateGroup.
type CreateGroupInput struct {
	GroupName   string  `cg:"req,len=1:128,re=groupName"`
	UserPoolId  string  `cg:"req,len=1:55,re=poolId"`
	Description *string `cg:"len=:2048"`
	RoleArn     *string `cg:"len=20:2048,re=arn"`
	Precedence  *int64  `cg:"range=0:"`
}

// GroupOutput is the output of CreateGroup, GetGroup and UpdateGroup.
type GroupOutput struct {
	Group GroupType `json:"Group"`
}

// GroupRef names a group of a pool.
type GroupRef struct {
	GroupName  string `cg:"req,len=1:128,re=groupName"`
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

// ListGroupsInput is the input of ListGroups.
type ListGroupsInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	Limit      *int32  `cg:"range=0:60"`
	NextToken  *string `cg:"len=1:131072,re=nonSpace"`
}

// ListGroupsOutput is the output of ListGroups and AdminListGroupsForUser.
type ListGroupsOutput struct {
	Groups    []GroupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

// MembershipInput is the input of AdminAddUserToGroup and AdminRemoveUserFromGroup.
type MembershipInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Username   string `cg:"req,len=1:128,re=username,sensitive"`
	GroupName  string `cg:"req,len=1:128,re=groupName"`
}

// AdminListGroupsForUserInput is the input of AdminListGroupsForUser.
type AdminListGroupsForUserInput struct {
	Username   string  `cg:"req,len=1:128,re=username,sensitive"`
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	Limit      *int32  `cg:"range=0:60"`
	NextToken  *string `cg:"len=1:131072,re=nonSpace"`
}

// ListUsersInGroupInput is the input of ListUsersInGroup.
type ListUsersInGroupInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	GroupName  string  `cg:"req,len=1:128,re=groupName"`
	Limit      *int32  `cg:"range=0:60"`
	NextToken  *string `cg:"len=1:131072,re=nonSpace"`
}

// ListUsersInGroupOutput is the output of ListUsersInGroup.
type ListUsersInGroupOutput struct {
	Users     []UserType `json:"Users"`
	NextToken string     `json:"NextToken,omitempty"`
}

func groupInput(in *CreateGroupInput) userpool.GroupInput {
	return userpool.GroupInput{PoolID: in.UserPoolId, Name: in.GroupName, Description: in.Description, RoleArn: in.RoleArn, Precedence: in.Precedence}
}

func init() {
	registrations = append(registrations, func(h *Handler) {
		svc := h.svc
		register(h, "CreateGroup", AuthSigV4, true, func(in *CreateGroupInput) string { return in.GroupName },
			func(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
				g, err := svc.CreateGroup(ctx, groupInput(in))
				if err != nil {
					return nil, err
				}
				return &GroupOutput{Group: toGroupType(g)}, nil
			})

		register(h, "GetGroup", AuthSigV4, false, func(in *GroupRef) string { return in.GroupName },
			func(ctx context.Context, in *GroupRef) (*GroupOutput, error) {
				g, err := svc.GetGroup(ctx, in.UserPoolId, in.GroupName)
				if err != nil {
					return nil, err
				}
				return &GroupOutput{Group: toGroupType(g)}, nil
			})

		register(h, "UpdateGroup", AuthSigV4, true, func(in *CreateGroupInput) string { return in.GroupName },
			func(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
				g, err := svc.UpdateGroup(ctx, groupInput(in))
				if err != nil {
					return nil, err
				}
				return &GroupOutput{Group: toGroupType(g)}, nil
			})

		register(h, "DeleteGroup", AuthSigV4, true, func(in *GroupRef) string { return in.GroupName },
			func(ctx context.Context, in *GroupRef) (*struct{}, error) {
				return nil, svc.DeleteGroup(ctx, in.UserPoolId, in.GroupName)
			})

		register(h, "ListGroups", AuthSigV4, false, nil,
			func(ctx context.Context, in *ListGroupsInput) (*ListGroupsOutput, error) {
				gs, next, err := svc.ListGroups(ctx, in.UserPoolId, uLimit(in.Limit), uStr(in.NextToken))
				if err != nil {
					return nil, err
				}
				return &ListGroupsOutput{Groups: toGroupTypes(gs), NextToken: next}, nil
			})

		register(h, "AdminAddUserToGroup", AuthSigV4, true, func(in *MembershipInput) string { return in.Username },
			func(ctx context.Context, in *MembershipInput) (*struct{}, error) {
				return nil, svc.AdminAddUserToGroup(ctx, in.UserPoolId, in.Username, in.GroupName)
			})

		register(h, "AdminRemoveUserFromGroup", AuthSigV4, true, func(in *MembershipInput) string { return in.Username },
			func(ctx context.Context, in *MembershipInput) (*struct{}, error) {
				return nil, svc.AdminRemoveUserFromGroup(ctx, in.UserPoolId, in.Username, in.GroupName)
			})

		register(h, "AdminListGroupsForUser", AuthSigV4, false, func(in *AdminListGroupsForUserInput) string { return in.Username },
			func(ctx context.Context, in *AdminListGroupsForUserInput) (*ListGroupsOutput, error) {
				gs, next, err := svc.AdminListGroupsForUser(ctx, in.UserPoolId, in.Username, uLimit(in.Limit), uStr(in.NextToken))
				if err != nil {
					return nil, err
				}
				return &ListGroupsOutput{Groups: toGroupTypes(gs), NextToken: next}, nil
			})

		register(h, "ListUsersInGroup", AuthSigV4, false, func(in *ListUsersInGroupInput) string { return in.GroupName },
			func(ctx context.Context, in *ListUsersInGroupInput) (*ListUsersInGroupOutput, error) {
				us, next, err := svc.ListUsersInGroup(ctx, in.UserPoolId, in.GroupName, uLimit(in.Limit), uStr(in.NextToken))
				if err != nil {
					return nil, err
				}
				return &ListUsersInGroupOutput{Users: toUserTypes(us, nil), NextToken: next}, nil
			})
	})
}
