package cognitoidp

import "context"

// AddCustomAttributes: the pool's schema grows (userpool/customattrs.go).

type addCustomAttributesInput struct {
	UserPoolId       string                `cg:"req,len=1:55,re=poolId"`
	CustomAttributes []schemaAttributeType `cg:"req,len=1:25,dive"`
}

func (h *Handler) addCustomAttributes(ctx context.Context, in *addCustomAttributesInput) (*struct{}, error) {
	return nil, h.svc.AddCustomAttributes(ctx, in.UserPoolId, schemaToDomain(in.CustomAttributes))
}
