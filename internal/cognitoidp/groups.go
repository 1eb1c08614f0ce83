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

func (h *Handler) createGroup(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
	g, err := h.svc.CreateGroup(ctx, groupInput(in))
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: toGroupType(g)}, nil
}

func (h *Handler) getGroup(ctx context.Context, in *GroupRef) (*GroupOutput, error) {
	g, err := h.svc.GetGroup(ctx, in.UserPoolId, in.GroupName)
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: toGroupType(g)}, nil
}

func (h *Handler) updateGroup(ctx context.Context, in *CreateGroupInput) (*GroupOutput, error) {
	g, err := h.svc.UpdateGroup(ctx, groupInput(in))
	if err != nil {
		return nil, err
	}
	return &GroupOutput{Group: toGroupType(g)}, nil
}

func (h *Handler) deleteGroup(ctx context.Context, in *GroupRef) (*struct{}, error) {
	return nil, h.svc.DeleteGroup(ctx, in.UserPoolId, in.GroupName)
}

func (h *Handler) listGroups(ctx context.Context, in *ListGroupsInput) (*ListGroupsOutput, error) {
	gs, next, err := h.svc.ListGroups(ctx, in.UserPoolId, uLimit(in.Limit), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	return &ListGroupsOutput{Groups: toGroupTypes(gs), NextToken: next}, nil
}

func (h *Handler) adminAddUserToGroup(ctx context.Context, in *MembershipInput) (*struct{}, error) {
	return nil, h.svc.AdminAddUserToGroup(ctx, in.UserPoolId, in.Username, in.GroupName)
}

func (h *Handler) adminRemoveUserFromGroup(ctx context.Context, in *MembershipInput) (*struct{}, error) {
	return nil, h.svc.AdminRemoveUserFromGroup(ctx, in.UserPoolId, in.Username, in.GroupName)
}

func (h *Handler) adminListGroupsForUser(ctx context.Context, in *AdminListGroupsForUserInput) (*ListGroupsOutput, error) {
	gs, next, err := h.svc.AdminListGroupsForUser(ctx, in.UserPoolId, in.Username, uLimit(in.Limit), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	return &ListGroupsOutput{Groups: toGroupTypes(gs), NextToken: next}, nil
}

func (h *Handler) listUsersInGroup(ctx context.Context, in *ListUsersInGroupInput) (*ListUsersInGroupOutput, error) {
	us, next, err := h.svc.ListUsersInGroup(ctx, in.UserPoolId, in.GroupName, uLimit(in.Limit), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	return &ListUsersInGroupOutput{Users: toUserTypes(us, nil), NextToken: next}, nil
}
