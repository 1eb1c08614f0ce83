package cognitoidp

import (
	"context"
)

// The operations userpool answers without the feature behind them (see
// userpool/refused.go for what each answers): multi-Region replicas, auth
// events (threat protection) and federated-user linking; and
// GetUserAuthFactors, which it answers in full (passkeys: webauthn.go). Each one validates its
// input and authenticates as its real mode (SigV4 or the access token)
// before it is refused.

// ---------------------------------------------------------------- replicas

type replicaInput struct {
	UserPoolId   string            `cg:"req,len=1:55,re=poolId"`
	RegionName   string            `cg:"req,len=5:32"`
	UserPoolTags map[string]string `json:",omitempty"`
}

type updateReplicaInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	RegionName string `cg:"req,len=5:32"`
	Status     string `cg:"req,enum=ACTIVE|INACTIVE"`
}

type listReplicasInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	NextToken  *string `cg:"len=1:,re=nonSpace"`
}

type replicaType struct {
	RegionName  string `json:"RegionName"`
	Role        string `json:"Role"`
	Status      string `json:"Status"`
	UserPoolArn string `json:"UserPoolArn"`
}

type listReplicasOutput struct {
	UserPoolReplicas []replicaType `json:"UserPoolReplicas"`
}

func (h *Handler) createUserPoolReplica(ctx context.Context, in *replicaInput) (*struct{}, error) {
	return nil, h.svc.CreateReplica(ctx, in.UserPoolId, in.RegionName)
}

func (h *Handler) deleteUserPoolReplica(ctx context.Context, in *replicaInput) (*struct{}, error) {
	return nil, h.svc.ChangeReplica(ctx, in.UserPoolId, in.RegionName)
}

func (h *Handler) updateUserPoolReplica(ctx context.Context, in *updateReplicaInput) (*struct{}, error) {
	return nil, h.svc.ChangeReplica(ctx, in.UserPoolId, in.RegionName)
}

func (h *Handler) listUserPoolReplicas(ctx context.Context, in *listReplicasInput) (*listReplicasOutput, error) {
	rs, err := h.svc.ListReplicas(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	out := &listReplicasOutput{UserPoolReplicas: make([]replicaType, 0, len(rs))}
	for _, r := range rs {
		out.UserPoolReplicas = append(out.UserPoolReplicas, replicaType(r))
	}
	return out, nil
}

// ---------------------------------------------------------------- auth events

type adminListUserAuthEventsInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	Username   string  `cg:"req,len=1:128,re=username,sensitive"`
	MaxResults *int    `cg:"range=0:60"`
	NextToken  *string `cg:"len=1:,re=nonSpace"`
}

type adminListUserAuthEventsOutput struct {
	AuthEvents []struct{} `json:"AuthEvents"`
}

type adminUpdateAuthEventFeedbackInput struct {
	UserPoolId    string `cg:"req,len=1:55,re=poolId"`
	Username      string `cg:"req,len=1:128,re=username,sensitive"`
	EventId       string `cg:"req,len=1:50"`
	FeedbackValue string `cg:"req,enum=Valid|Invalid"`
}

type updateAuthEventFeedbackInput struct {
	UserPoolId    string `cg:"req,len=1:55,re=poolId"`
	Username      string `cg:"req,len=1:128,re=username,sensitive"`
	EventId       string `cg:"req,len=1:50"`
	FeedbackToken string `cg:"req,re=token,sensitive"`
	FeedbackValue string `cg:"req,enum=Valid|Invalid"`
}

func (h *Handler) adminListUserAuthEvents(ctx context.Context, in *adminListUserAuthEventsInput) (*adminListUserAuthEventsOutput, error) {
	if err := h.svc.ListAuthEvents(ctx, in.UserPoolId, in.Username); err != nil {
		return nil, err
	}
	return &adminListUserAuthEventsOutput{AuthEvents: []struct{}{}}, nil
}

func (h *Handler) adminUpdateAuthEventFeedback(ctx context.Context, in *adminUpdateAuthEventFeedbackInput) (*struct{}, error) {
	return nil, h.svc.AuthEventFeedback(ctx, in.UserPoolId, in.Username, in.EventId)
}

func (h *Handler) updateAuthEventFeedback(ctx context.Context, in *updateAuthEventFeedbackInput) (*struct{}, error) {
	return nil, h.svc.AuthEventFeedback(ctx, in.UserPoolId, in.Username, in.EventId)
}

// ---------------------------------------------------------------- federated users

type providerUserIdentifierType struct {
	ProviderName           *string `cg:"len=1:32"`
	ProviderAttributeName  *string
	ProviderAttributeValue *string
}

type adminLinkProviderForUserInput struct {
	UserPoolId      string                      `cg:"req,len=1:55,re=poolId"`
	DestinationUser *providerUserIdentifierType `cg:"req,dive"`
	SourceUser      *providerUserIdentifierType `cg:"req,dive"`
}

type adminDisableProviderForUserInput struct {
	UserPoolId string                      `cg:"req,len=1:55,re=poolId"`
	User       *providerUserIdentifierType `cg:"req,dive"`
}

func (h *Handler) adminLinkProviderForUser(ctx context.Context, in *adminLinkProviderForUserInput) (*struct{}, error) {
	return nil, h.svc.ProviderLinking(ctx, in.UserPoolId)
}

func (h *Handler) adminDisableProviderForUser(ctx context.Context, in *adminDisableProviderForUserInput) (*struct{}, error) {
	return nil, h.svc.ProviderLinking(ctx, in.UserPoolId)
}

// ---------------------------------------------------------------- auth factors

type getUserAuthFactorsOutput struct {
	Username                  string   `json:"Username"`
	PreferredMfaSetting       string   `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList        []string `json:"UserMFASettingList,omitempty"`
	ConfiguredUserAuthFactors []string `json:"ConfiguredUserAuthFactors"`
}

func (h *Handler) getUserAuthFactors(ctx context.Context, in *AccessTokenInput) (*getUserAuthFactorsOutput, error) {
	u, factors, err := h.svc.AuthFactors(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &getUserAuthFactorsOutput{
		Username:                  u.Username,
		PreferredMfaSetting:       u.MFA.Preferred,
		UserMFASettingList:        u.MFA.Enabled,
		ConfiguredUserAuthFactors: factors,
	}, nil
}
