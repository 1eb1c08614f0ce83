package cognitoidp

import (
	"context"
	"encoding/base64"
)

// Tags on pool ARNs: TagResource, UntagResource, ListTagsForResource. The
// tags are the pool's UserPoolTags (userpool/tags.go).

type tagResourceInput struct {
	ResourceArn string            `cg:"req,len=20:2048,re=arn"`
	Tags        map[string]string `cg:"req"`
}

type untagResourceInput struct {
	ResourceArn string   `cg:"req,len=20:2048,re=arn"`
	TagKeys     []string `cg:"req"`
}

type listTagsForResourceInput struct {
	ResourceArn string `cg:"req,len=20:2048,re=arn"`
}

type listTagsForResourceOutput struct {
	Tags map[string]string `json:"Tags"`
}

func (h *Handler) tagResource(ctx context.Context, in *tagResourceInput) (*struct{}, error) {
	return nil, h.svc.TagResource(ctx, in.ResourceArn, in.Tags)
}

func (h *Handler) untagResource(ctx context.Context, in *untagResourceInput) (*struct{}, error) {
	return nil, h.svc.UntagResource(ctx, in.ResourceArn, in.TagKeys)
}

func (h *Handler) listTagsForResource(ctx context.Context, in *listTagsForResourceInput) (*listTagsForResourceOutput, error) {
	tags, err := h.svc.ListTags(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &listTagsForResourceOutput{Tags: tags}, nil
}

// GetSigningCertificate: the pool's ID-token key as a base64 X.509
// certificate.

type getSigningCertificateOutput struct {
	Certificate string `json:"Certificate"`
}

func (h *Handler) getSigningCertificate(ctx context.Context, in *userPoolIDInput) (*getSigningCertificateOutput, error) {
	der, err := h.svc.SigningCertificate(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &getSigningCertificateOutput{Certificate: base64.StdEncoding.EncodeToString(der)}, nil
}
