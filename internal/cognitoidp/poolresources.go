package cognitoidp

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// The pool resources Cognito stores and echoes: domains, resource servers,
// identity providers, UI customization, managed login branding, terms, risk
// and log delivery configuration. The rules and documents are the domain's
// (internal/userpool); this file holds the wire shapes and translates.

// ---------------------------------------------------------------- domains

type customDomainConfigType struct {
	CertificateArn *string `json:"CertificateArn,omitempty" cg:"req,len=20:2048,re=arn"`
	SecurityPolicy *string `json:"SecurityPolicy,omitempty" cg:"enum=TLS_V1|TLS_V1_2_2021|TLS_V1_3_2025"`
}

type userPoolDomainInput struct {
	Domain              string                  `cg:"req,len=1:63"`
	UserPoolId          string                  `cg:"req,len=1:55,re=poolId"`
	ManagedLoginVersion *int                    `json:",omitempty"`
	CustomDomainConfig  *customDomainConfigType `cg:"dive"`
	Routing             jsonObject              `json:",omitempty"`
}

type userPoolDomainOutput struct {
	ManagedLoginVersion *int       `json:"ManagedLoginVersion,omitempty"`
	CloudFrontDomain    string     `json:"CloudFrontDomain,omitempty"`
	Routing             jsonObject `json:"Routing,omitempty"`
}

type describeUserPoolDomainInput struct {
	Domain string `cg:"req,len=1:63,re=domainName"`
}

type domainDescriptionType struct {
	UserPoolId             string                  `json:"UserPoolId,omitempty"`
	AWSAccountId           string                  `json:"AWSAccountId,omitempty"`
	Domain                 string                  `json:"Domain,omitempty"`
	S3Bucket               string                  `json:"S3Bucket,omitempty"`
	CloudFrontDistribution string                  `json:"CloudFrontDistribution,omitempty"`
	Version                string                  `json:"Version,omitempty"`
	Status                 string                  `json:"Status,omitempty"`
	CustomDomainConfig     *customDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion    *int                    `json:"ManagedLoginVersion,omitempty"`
	Routing                jsonObject              `json:"Routing,omitempty"`
}

type describeUserPoolDomainOutput struct {
	DomainDescription domainDescriptionType `json:"DomainDescription"`
}

type deleteUserPoolDomainInput struct {
	Domain     string `cg:"req,len=1:63"`
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

// regionAirports are the codes in the names of Cognito's hosted UI asset
// buckets ("aws-cognito-prod-<code>-assets").
var regionAirports = map[string]string{
	"us-east-1": "iad", "us-east-2": "cmh", "us-west-1": "sfo", "us-west-2": "pdx", "ca-central-1": "yul",
	"eu-west-1": "dub", "eu-west-2": "lhr", "eu-west-3": "cdg", "eu-central-1": "fra", "eu-north-1": "arn",
	"ap-southeast-1": "sin", "ap-southeast-2": "syd", "ap-northeast-1": "nrt", "ap-northeast-2": "icn",
	"ap-south-1": "bom", "sa-east-1": "gru",
}

func s3Bucket(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	if code, ok := regionAirports[region]; ok {
		region = code
	}
	return "aws-cognito-prod-" + region + "-assets"
}

func (in *userPoolDomainInput) toDomain() userpool.DomainInput {
	d := userpool.DomainInput{PoolID: in.UserPoolId, Domain: in.Domain, ManagedLoginVersion: in.ManagedLoginVersion, Routing: json.RawMessage(in.Routing)}
	if c := in.CustomDomainConfig; c != nil {
		d.CustomDomainConfig = &userpool.CustomDomainConfig{CertificateArn: unptr(c.CertificateArn), SecurityPolicy: uStr(c.SecurityPolicy)}
	}
	return d
}

func domainOutput(d userpool.Domain) *userPoolDomainOutput {
	out := &userPoolDomainOutput{ManagedLoginVersion: mkptr(d.ManagedLoginVersion), Routing: jsonObject(d.Routing)}
	if d.Custom() {
		out.CloudFrontDomain = d.CloudFrontDistribution
	}
	return out
}

func (h *Handler) createUserPoolDomain(ctx context.Context, in *userPoolDomainInput) (*userPoolDomainOutput, error) {
	d, err := h.svc.CreateDomain(ctx, in.toDomain())
	if err != nil {
		return nil, err
	}
	return domainOutput(d), nil
}

func (h *Handler) updateUserPoolDomain(ctx context.Context, in *userPoolDomainInput) (*userPoolDomainOutput, error) {
	d, err := h.svc.UpdateDomain(ctx, in.toDomain())
	if err != nil {
		return nil, err
	}
	return domainOutput(d), nil
}

func (h *Handler) describeUserPoolDomain(ctx context.Context, in *describeUserPoolDomainInput) (*describeUserPoolDomainOutput, error) {
	d, err := h.svc.DescribeDomain(ctx, in.Domain)
	if err != nil || d == nil {
		// An unknown domain is an empty description, as in Cognito.
		return &describeUserPoolDomainOutput{}, err
	}
	out := domainDescriptionType{
		UserPoolId:             d.PoolID,
		AWSAccountId:           h.svc.AccountID(),
		Domain:                 d.Domain,
		S3Bucket:               s3Bucket(d.PoolID),
		CloudFrontDistribution: d.CloudFrontDistribution,
		Version:                d.Version,
		Status:                 "ACTIVE",
		CustomDomainConfig:     &customDomainConfigType{},
		ManagedLoginVersion:    mkptr(d.ManagedLoginVersion),
		Routing:                jsonObject(d.Routing),
	}
	if c := d.CustomDomainConfig; c != nil {
		out.CustomDomainConfig = &customDomainConfigType{CertificateArn: mkptr(c.CertificateArn), SecurityPolicy: uStrPtr(c.SecurityPolicy)}
	}
	return &describeUserPoolDomainOutput{DomainDescription: out}, nil
}

func (h *Handler) deleteUserPoolDomain(ctx context.Context, in *deleteUserPoolDomainInput) (*struct{}, error) {
	return nil, h.svc.DeleteDomain(ctx, in.UserPoolId, in.Domain)
}

// ---------------------------------------------------------------- resource servers

type resourceServerScopeType struct {
	ScopeName        *string `json:"ScopeName" cg:"req,len=1:256,re=scopeName"`
	ScopeDescription *string `json:"ScopeDescription" cg:"req,len=1:256"`
}

type resourceServerInput struct {
	UserPoolId string                    `cg:"req,len=1:55,re=poolId"`
	Identifier string                    `cg:"req,len=1:256,re=scope"`
	Name       string                    `cg:"req,len=1:256,re=clientName"`
	Scopes     []resourceServerScopeType `cg:"len=:100,dive"`
}

type resourceServerRef struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Identifier string `cg:"req,len=1:256,re=scope"`
}

type resourceServerType struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []resourceServerScopeType `json:"Scopes"`
}

type resourceServerOutput struct {
	ResourceServer resourceServerType `json:"ResourceServer"`
}

type listResourceServersInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	MaxResults *int32  `cg:"range=1:50"`
	NextToken  *string `cg:"len=1:,re=nonSpace"`
}

type listResourceServersOutput struct {
	ResourceServers []resourceServerType `json:"ResourceServers"`
	NextToken       string               `json:"NextToken,omitempty"`
}

func toResourceServerType(rs userpool.ResourceServer) resourceServerType {
	out := resourceServerType{UserPoolId: rs.PoolID, Identifier: rs.Identifier, Name: rs.Name, Scopes: make([]resourceServerScopeType, len(rs.Scopes))}
	for i, sc := range rs.Scopes {
		out.Scopes[i] = resourceServerScopeType{ScopeName: mkptr(sc.ScopeName), ScopeDescription: mkptr(sc.ScopeDescription)}
	}
	return out
}

func (in *resourceServerInput) toDomain() userpool.ResourceServerInput {
	out := userpool.ResourceServerInput{PoolID: in.UserPoolId, Identifier: in.Identifier, Name: in.Name}
	for _, sc := range in.Scopes {
		out.Scopes = append(out.Scopes, userpool.ResourceServerScope{ScopeName: unptr(sc.ScopeName), ScopeDescription: unptr(sc.ScopeDescription)})
	}
	return out
}

func (h *Handler) createResourceServer(ctx context.Context, in *resourceServerInput) (*resourceServerOutput, error) {
	rs, err := h.svc.CreateResourceServer(ctx, in.toDomain())
	if err != nil {
		return nil, err
	}
	return &resourceServerOutput{ResourceServer: toResourceServerType(rs)}, nil
}

func (h *Handler) describeResourceServer(ctx context.Context, in *resourceServerRef) (*resourceServerOutput, error) {
	rs, err := h.svc.DescribeResourceServer(ctx, in.UserPoolId, in.Identifier)
	if err != nil {
		return nil, err
	}
	return &resourceServerOutput{ResourceServer: toResourceServerType(rs)}, nil
}

func (h *Handler) updateResourceServer(ctx context.Context, in *resourceServerInput) (*resourceServerOutput, error) {
	rs, err := h.svc.UpdateResourceServer(ctx, in.toDomain())
	if err != nil {
		return nil, err
	}
	return &resourceServerOutput{ResourceServer: toResourceServerType(rs)}, nil
}

func (h *Handler) deleteResourceServer(ctx context.Context, in *resourceServerRef) (*struct{}, error) {
	return nil, h.svc.DeleteResourceServer(ctx, in.UserPoolId, in.Identifier)
}

func (h *Handler) listResourceServers(ctx context.Context, in *listResourceServersInput) (*listResourceServersOutput, error) {
	list, next, err := h.svc.ListResourceServers(ctx, in.UserPoolId, uLimit(in.MaxResults), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listResourceServersOutput{ResourceServers: make([]resourceServerType, len(list)), NextToken: next}
	for i, rs := range list {
		out.ResourceServers[i] = toResourceServerType(rs)
	}
	return out, nil
}

// ---------------------------------------------------------------- identity providers

type createIdentityProviderInput struct {
	UserPoolId       string            `cg:"req,len=1:55,re=poolId"`
	ProviderName     string            `cg:"req,len=1:32,re=providerNameV2"`
	ProviderType     string            `cg:"req,enum=SAML|Facebook|Google|LoginWithAmazon|SignInWithApple|OIDC"`
	ProviderDetails  map[string]string `cg:"req"`
	AttributeMapping map[string]string
	IdpIdentifiers   []string `cg:"len=0:50,re=idpIdentifier"`
}

type updateIdentityProviderInput struct {
	UserPoolId       string `cg:"req,len=1:55,re=poolId"`
	ProviderName     string `cg:"req,len=1:32,re=providerName"`
	ProviderDetails  map[string]string
	AttributeMapping map[string]string
	IdpIdentifiers   []string `cg:"len=0:50,re=idpIdentifier"`
}

type identityProviderRef struct {
	UserPoolId   string `cg:"req,len=1:55,re=poolId"`
	ProviderName string `cg:"req,len=1:32,re=providerName"`
}

type getIdentityProviderByIdentifierInput struct {
	UserPoolId    string `cg:"req,len=1:55,re=poolId"`
	IdpIdentifier string `cg:"req,len=1:40,re=idpIdentifier"`
}

type identityProviderType struct {
	UserPoolId       string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType"`
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	LastModifiedDate *awsjson.Time     `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time     `json:"CreationDate,omitempty"`
}

type identityProviderOutput struct {
	IdentityProvider identityProviderType `json:"IdentityProvider"`
}

type listIdentityProvidersInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	MaxResults *int32  `cg:"range=0:60"`
	NextToken  *string `cg:"len=1:,re=nonSpace"`
}

type providerDescription struct {
	ProviderName     string        `json:"ProviderName"`
	ProviderType     string        `json:"ProviderType"`
	LastModifiedDate *awsjson.Time `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time `json:"CreationDate,omitempty"`
}

type listIdentityProvidersOutput struct {
	Providers []providerDescription `json:"Providers"`
	NextToken string                `json:"NextToken,omitempty"`
}

func toIdentityProviderOutput(p userpool.IdentityProvider) *identityProviderOutput {
	return &identityProviderOutput{IdentityProvider: identityProviderType{
		UserPoolId: p.PoolID, ProviderName: p.ProviderName, ProviderType: p.ProviderType, ProviderDetails: p.ProviderDetails,
		AttributeMapping: p.AttributeMapping, IdpIdentifiers: p.IdpIdentifiers,
		LastModifiedDate: awsjson.NewTime(p.UpdatedAt), CreationDate: awsjson.NewTime(p.CreatedAt),
	}}
}

func (h *Handler) createIdentityProvider(ctx context.Context, in *createIdentityProviderInput) (*identityProviderOutput, error) {
	p, err := h.svc.CreateIdentityProvider(ctx, userpool.IdentityProviderInput{PoolID: in.UserPoolId, ProviderName: in.ProviderName,
		ProviderType: in.ProviderType, ProviderDetails: in.ProviderDetails, AttributeMapping: in.AttributeMapping, IdpIdentifiers: in.IdpIdentifiers})
	if err != nil {
		return nil, err
	}
	return toIdentityProviderOutput(p), nil
}

func (h *Handler) describeIdentityProvider(ctx context.Context, in *identityProviderRef) (*identityProviderOutput, error) {
	p, err := h.svc.DescribeIdentityProvider(ctx, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, err
	}
	return toIdentityProviderOutput(p), nil
}

func (h *Handler) getIdentityProviderByIdentifier(ctx context.Context, in *getIdentityProviderByIdentifierInput) (*identityProviderOutput, error) {
	p, err := h.svc.IdentityProviderByIdentifier(ctx, in.UserPoolId, in.IdpIdentifier)
	if err != nil {
		return nil, err
	}
	return toIdentityProviderOutput(p), nil
}

func (h *Handler) updateIdentityProvider(ctx context.Context, in *updateIdentityProviderInput) (*identityProviderOutput, error) {
	p, err := h.svc.UpdateIdentityProvider(ctx, userpool.IdentityProviderInput{PoolID: in.UserPoolId, ProviderName: in.ProviderName,
		ProviderDetails: in.ProviderDetails, AttributeMapping: in.AttributeMapping, IdpIdentifiers: in.IdpIdentifiers})
	if err != nil {
		return nil, err
	}
	return toIdentityProviderOutput(p), nil
}

func (h *Handler) deleteIdentityProvider(ctx context.Context, in *identityProviderRef) (*struct{}, error) {
	return nil, h.svc.DeleteIdentityProvider(ctx, in.UserPoolId, in.ProviderName)
}

func (h *Handler) listIdentityProviders(ctx context.Context, in *listIdentityProvidersInput) (*listIdentityProvidersOutput, error) {
	list, next, err := h.svc.ListIdentityProviders(ctx, in.UserPoolId, uLimit(in.MaxResults), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listIdentityProvidersOutput{Providers: make([]providerDescription, len(list)), NextToken: next}
	for i, p := range list {
		out.Providers[i] = providerDescription{ProviderName: p.ProviderName, ProviderType: p.ProviderType,
			LastModifiedDate: awsjson.NewTime(p.UpdatedAt), CreationDate: awsjson.NewTime(p.CreatedAt)}
	}
	return out, nil
}

// ---------------------------------------------------------------- UI customization

type getUICustomizationInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	ClientId   *string `cg:"len=1:128,re=clientId,sensitive"`
}

type setUICustomizationInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	ClientId   *string `cg:"len=1:128,re=clientId,sensitive"`
	CSS        *string `cg:"len=0:131072"`
	ImageFile  blob    `cg:"len=0:131072"`
}

type uiCustomizationType struct {
	UserPoolId       string        `json:"UserPoolId,omitempty"`
	ClientId         string        `json:"ClientId,omitempty"`
	ImageUrl         string        `json:"ImageUrl,omitempty"`
	CSS              string        `json:"CSS,omitempty"`
	CSSVersion       string        `json:"CSSVersion,omitempty"`
	LastModifiedDate *awsjson.Time `json:"LastModifiedDate,omitempty"`
	CreationDate     *awsjson.Time `json:"CreationDate,omitempty"`
}

type uiCustomizationOutput struct {
	UICustomization uiCustomizationType `json:"UICustomization"`
}

func toUICustomizationOutput(ui userpool.UICustomization) *uiCustomizationOutput {
	return &uiCustomizationOutput{UICustomization: uiCustomizationType{
		UserPoolId: ui.PoolID, ClientId: ui.ClientID, ImageUrl: ui.ImageURL, CSS: ui.CSS, CSSVersion: ui.CSSVersion,
		LastModifiedDate: awsjson.NewTime(ui.UpdatedAt), CreationDate: awsjson.NewTime(ui.CreatedAt),
	}}
}

func (h *Handler) getUICustomization(ctx context.Context, in *getUICustomizationInput) (*uiCustomizationOutput, error) {
	ui, err := h.svc.GetUICustomization(ctx, in.UserPoolId, uStr(in.ClientId))
	if err != nil {
		return nil, err
	}
	return toUICustomizationOutput(ui), nil
}

func (h *Handler) setUICustomization(ctx context.Context, in *setUICustomizationInput) (*uiCustomizationOutput, error) {
	ui, err := h.svc.SetUICustomization(ctx, in.UserPoolId, uStr(in.ClientId), in.CSS, in.ImageFile)
	if err != nil {
		return nil, err
	}
	return toUICustomizationOutput(ui), nil
}

// ---------------------------------------------------------------- managed login branding

type assetType struct {
	Category   string  `json:"Category" cg:"req,enum=FAVICON_ICO|FAVICON_SVG|EMAIL_GRAPHIC|SMS_GRAPHIC|AUTH_APP_GRAPHIC|PASSWORD_GRAPHIC|PASSKEY_GRAPHIC|PAGE_HEADER_LOGO|PAGE_HEADER_BACKGROUND|PAGE_FOOTER_LOGO|PAGE_FOOTER_BACKGROUND|PAGE_BACKGROUND|FORM_BACKGROUND|FORM_LOGO|IDP_BUTTON_ICON"`
	ColorMode  string  `json:"ColorMode" cg:"req,enum=LIGHT|DARK|DYNAMIC"`
	Extension  string  `json:"Extension" cg:"req,enum=ICO|JPEG|PNG|SVG|WEBP"`
	Bytes      blob    `json:"Bytes,omitempty" cg:"len=:1000000"`
	ResourceId *string `json:"ResourceId,omitempty" cg:"len=1:40,re=assetResourceId"`
}

type brandingInput struct {
	UserPoolId               string      `cg:"req,len=1:55,re=poolId"`
	ClientId                 string      `cg:"req,len=1:128,re=clientId,sensitive"`
	UseCognitoProvidedValues *bool       `json:",omitempty"`
	Settings                 jsonObject  `json:",omitempty"`
	Assets                   []assetType `cg:"len=0:40,dive"`
}

type updateBrandingInput struct {
	UserPoolId               *string     `cg:"len=1:55,re=poolId"`
	ManagedLoginBrandingId   *string     `cg:"re=uuidV4"`
	UseCognitoProvidedValues *bool       `json:",omitempty"`
	Settings                 jsonObject  `json:",omitempty"`
	Assets                   []assetType `cg:"len=0:40,dive"`
}

type brandingRef struct {
	UserPoolId             string `cg:"req,len=1:55,re=poolId"`
	ManagedLoginBrandingId string `cg:"req,re=uuidV4"`
	ReturnMergedResources  *bool  `json:",omitempty"`
}

type brandingByClientInput struct {
	UserPoolId            string `cg:"req,len=1:55,re=poolId"`
	ClientId              string `cg:"req,len=1:128,re=clientId,sensitive"`
	ReturnMergedResources *bool  `json:",omitempty"`
}

type managedLoginBrandingType struct {
	ManagedLoginBrandingId   string        `json:"ManagedLoginBrandingId"`
	UserPoolId               string        `json:"UserPoolId"`
	UseCognitoProvidedValues bool          `json:"UseCognitoProvidedValues"`
	Settings                 jsonObject    `json:"Settings,omitempty"`
	Assets                   []assetType   `json:"Assets"`
	CreationDate             *awsjson.Time `json:"CreationDate,omitempty"`
	LastModifiedDate         *awsjson.Time `json:"LastModifiedDate,omitempty"`
}

type brandingOutput struct {
	ManagedLoginBranding managedLoginBrandingType `json:"ManagedLoginBranding"`
}

func assetsToDomain(list []assetType) []userpool.BrandingAsset {
	if list == nil {
		return nil
	}
	out := make([]userpool.BrandingAsset, len(list))
	for i, a := range list {
		out[i] = userpool.BrandingAsset{Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, Bytes: a.Bytes, ResourceID: uStr(a.ResourceId)}
	}
	return out
}

func toBrandingOutput(b userpool.Branding) *brandingOutput {
	out := managedLoginBrandingType{ManagedLoginBrandingId: b.ID, UserPoolId: b.PoolID, UseCognitoProvidedValues: b.UseCognitoProvidedValues,
		Settings: jsonObject(b.Settings), Assets: make([]assetType, len(b.Assets)),
		CreationDate: awsjson.NewTime(b.CreatedAt), LastModifiedDate: awsjson.NewTime(b.UpdatedAt)}
	for i, a := range b.Assets {
		out.Assets[i] = assetType{Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, Bytes: a.Bytes, ResourceId: uStrPtr(a.ResourceID)}
	}
	return &brandingOutput{ManagedLoginBranding: out}
}

func (h *Handler) createManagedLoginBranding(ctx context.Context, in *brandingInput) (*brandingOutput, error) {
	b, err := h.svc.CreateBranding(ctx, userpool.BrandingInput{PoolID: in.UserPoolId, ClientID: in.ClientId,
		UseCognitoProvidedValues: in.UseCognitoProvidedValues, Settings: json.RawMessage(in.Settings), Assets: assetsToDomain(in.Assets)})
	if err != nil {
		return nil, err
	}
	return toBrandingOutput(b), nil
}

func (h *Handler) describeManagedLoginBranding(ctx context.Context, in *brandingRef) (*brandingOutput, error) {
	b, err := h.svc.DescribeBranding(ctx, in.UserPoolId, in.ManagedLoginBrandingId)
	if err != nil {
		return nil, err
	}
	return toBrandingOutput(b), nil
}

func (h *Handler) describeManagedLoginBrandingByClient(ctx context.Context, in *brandingByClientInput) (*brandingOutput, error) {
	b, err := h.svc.DescribeBrandingByClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return toBrandingOutput(b), nil
}

func (h *Handler) updateManagedLoginBranding(ctx context.Context, in *updateBrandingInput) (*brandingOutput, error) {
	b, err := h.svc.UpdateBranding(ctx, userpool.BrandingInput{PoolID: uStr(in.UserPoolId), ID: uStr(in.ManagedLoginBrandingId),
		UseCognitoProvidedValues: in.UseCognitoProvidedValues, Settings: json.RawMessage(in.Settings), Assets: assetsToDomain(in.Assets)})
	if err != nil {
		return nil, err
	}
	return toBrandingOutput(b), nil
}

func (h *Handler) deleteManagedLoginBranding(ctx context.Context, in *brandingRef) (*struct{}, error) {
	return nil, h.svc.DeleteBranding(ctx, in.UserPoolId, in.ManagedLoginBrandingId)
}

// ---------------------------------------------------------------- terms

type createTermsInput struct {
	UserPoolId  string            `cg:"req,len=1:55,re=poolId"`
	ClientId    string            `cg:"req,len=1:128,re=clientId,sensitive"`
	TermsName   string            `cg:"req,re=termsName"`
	TermsSource string            `cg:"req,enum=LINK"`
	Enforcement string            `cg:"req,enum=NONE"`
	Links       map[string]string `cg:"len=1:13"`
}

type updateTermsInput struct {
	TermsId     string            `cg:"req,re=uuidV4"`
	UserPoolId  string            `cg:"req,len=1:55,re=poolId"`
	TermsName   *string           `cg:"re=termsName"`
	TermsSource *string           `cg:"enum=LINK"`
	Enforcement *string           `cg:"enum=NONE"`
	Links       map[string]string `cg:"len=1:13"`
}

type termsRef struct {
	TermsId    string `cg:"req,re=uuidV4"`
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

type termsType struct {
	TermsId          string            `json:"TermsId"`
	UserPoolId       string            `json:"UserPoolId"`
	ClientId         string            `json:"ClientId"`
	TermsName        string            `json:"TermsName"`
	TermsSource      string            `json:"TermsSource"`
	Enforcement      string            `json:"Enforcement"`
	Links            map[string]string `json:"Links"`
	CreationDate     *awsjson.Time     `json:"CreationDate"`
	LastModifiedDate *awsjson.Time     `json:"LastModifiedDate"`
}

type termsOutput struct {
	Terms termsType `json:"Terms"`
}

type listTermsInput struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	MaxResults *int32  `cg:"range=1:60"`
	NextToken  *string `cg:"len=0:131072"`
}

type termsDescriptionType struct {
	TermsId          string        `json:"TermsId"`
	TermsName        string        `json:"TermsName"`
	Enforcement      string        `json:"Enforcement"`
	CreationDate     *awsjson.Time `json:"CreationDate"`
	LastModifiedDate *awsjson.Time `json:"LastModifiedDate"`
}

type listTermsOutput struct {
	Terms     []termsDescriptionType `json:"Terms"`
	NextToken string                 `json:"NextToken,omitempty"`
}

func toTermsOutput(t userpool.Terms) *termsOutput {
	return &termsOutput{Terms: termsType{TermsId: t.ID, UserPoolId: t.PoolID, ClientId: t.ClientID, TermsName: t.Name,
		TermsSource: t.Source, Enforcement: t.Enforcement, Links: t.Links,
		CreationDate: awsjson.NewTime(t.CreatedAt), LastModifiedDate: awsjson.NewTime(t.UpdatedAt)}}
}

func (h *Handler) createTerms(ctx context.Context, in *createTermsInput) (*termsOutput, error) {
	t, err := h.svc.CreateTerms(ctx, userpool.TermsInput{PoolID: in.UserPoolId, ClientID: in.ClientId, Name: in.TermsName,
		Source: in.TermsSource, Enforcement: in.Enforcement, Links: in.Links})
	if err != nil {
		return nil, err
	}
	return toTermsOutput(t), nil
}

func (h *Handler) describeTerms(ctx context.Context, in *termsRef) (*termsOutput, error) {
	t, err := h.svc.DescribeTerms(ctx, in.UserPoolId, in.TermsId)
	if err != nil {
		return nil, err
	}
	return toTermsOutput(t), nil
}

func (h *Handler) updateTerms(ctx context.Context, in *updateTermsInput) (*termsOutput, error) {
	t, err := h.svc.UpdateTerms(ctx, userpool.TermsInput{PoolID: in.UserPoolId, ID: in.TermsId, Name: uStr(in.TermsName),
		Source: uStr(in.TermsSource), Enforcement: uStr(in.Enforcement), Links: in.Links})
	if err != nil {
		return nil, err
	}
	return toTermsOutput(t), nil
}

func (h *Handler) deleteTerms(ctx context.Context, in *termsRef) (*struct{}, error) {
	return nil, h.svc.DeleteTerms(ctx, in.UserPoolId, in.TermsId)
}

func (h *Handler) listTerms(ctx context.Context, in *listTermsInput) (*listTermsOutput, error) {
	list, next, err := h.svc.ListTerms(ctx, in.UserPoolId, uLimit(in.MaxResults), uStr(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listTermsOutput{Terms: make([]termsDescriptionType, len(list)), NextToken: next}
	for i, t := range list {
		out.Terms[i] = termsDescriptionType{TermsId: t.ID, TermsName: t.Name, Enforcement: t.Enforcement,
			CreationDate: awsjson.NewTime(t.CreatedAt), LastModifiedDate: awsjson.NewTime(t.UpdatedAt)}
	}
	return out, nil
}

// ---------------------------------------------------------------- risk and log delivery

type riskConfigurationRef struct {
	UserPoolId string  `cg:"req,len=1:55,re=poolId"`
	ClientId   *string `cg:"len=1:128,re=clientId,sensitive"`
}

type setRiskConfigurationInput struct {
	UserPoolId                              string     `cg:"req,len=1:55,re=poolId"`
	ClientId                                *string    `cg:"len=1:128,re=clientId,sensitive"`
	CompromisedCredentialsRiskConfiguration jsonObject `json:",omitempty"`
	AccountTakeoverRiskConfiguration        jsonObject `json:",omitempty"`
	RiskExceptionConfiguration              jsonObject `json:",omitempty"`
}

type riskConfigurationType struct {
	UserPoolId                              string        `json:"UserPoolId,omitempty"`
	ClientId                                string        `json:"ClientId,omitempty"`
	CompromisedCredentialsRiskConfiguration jsonObject    `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	AccountTakeoverRiskConfiguration        jsonObject    `json:"AccountTakeoverRiskConfiguration,omitempty"`
	RiskExceptionConfiguration              jsonObject    `json:"RiskExceptionConfiguration,omitempty"`
	LastModifiedDate                        *awsjson.Time `json:"LastModifiedDate,omitempty"`
}

type riskConfigurationOutput struct {
	RiskConfiguration riskConfigurationType `json:"RiskConfiguration"`
}

func toRiskOutput(rc userpool.RiskConfiguration) *riskConfigurationOutput {
	return &riskConfigurationOutput{RiskConfiguration: riskConfigurationType{UserPoolId: rc.PoolID, ClientId: rc.ClientID,
		CompromisedCredentialsRiskConfiguration: jsonObject(rc.CompromisedCredentialsRiskConfiguration),
		AccountTakeoverRiskConfiguration:        jsonObject(rc.AccountTakeoverRiskConfiguration),
		RiskExceptionConfiguration:              jsonObject(rc.RiskExceptionConfiguration),
		LastModifiedDate:                        awsjson.NewTime(rc.UpdatedAt)}}
}

func (h *Handler) describeRiskConfiguration(ctx context.Context, in *riskConfigurationRef) (*riskConfigurationOutput, error) {
	rc, err := h.svc.DescribeRiskConfiguration(ctx, in.UserPoolId, uStr(in.ClientId))
	if err != nil {
		return nil, err
	}
	return toRiskOutput(rc), nil
}

func (h *Handler) setRiskConfiguration(ctx context.Context, in *setRiskConfigurationInput) (*riskConfigurationOutput, error) {
	rc, err := h.svc.SetRiskConfiguration(ctx, userpool.RiskConfiguration{PoolID: in.UserPoolId, ClientID: uStr(in.ClientId),
		CompromisedCredentialsRiskConfiguration: json.RawMessage(in.CompromisedCredentialsRiskConfiguration),
		AccountTakeoverRiskConfiguration:        json.RawMessage(in.AccountTakeoverRiskConfiguration),
		RiskExceptionConfiguration:              json.RawMessage(in.RiskExceptionConfiguration)})
	if err != nil {
		return nil, err
	}
	return toRiskOutput(rc), nil
}

type logConfigurationType struct {
	LogLevel                    string     `json:"LogLevel" cg:"req,enum=ERROR|INFO"`
	EventSource                 string     `json:"EventSource" cg:"req,enum=userNotification|userAuthEvents"`
	CloudWatchLogsConfiguration jsonObject `json:"CloudWatchLogsConfiguration,omitempty"`
	S3Configuration             jsonObject `json:"S3Configuration,omitempty"`
	FirehoseConfiguration       jsonObject `json:"FirehoseConfiguration,omitempty"`
}

type setLogDeliveryConfigurationInput struct {
	UserPoolId        string                 `cg:"req,len=1:55,re=poolId"`
	LogConfigurations []logConfigurationType `cg:"req,len=0:2,dive"`
}

type getLogDeliveryConfigurationInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

type logDeliveryConfigurationType struct {
	UserPoolId        string                 `json:"UserPoolId"`
	LogConfigurations []logConfigurationType `json:"LogConfigurations"`
}

type logDeliveryConfigurationOutput struct {
	LogDeliveryConfiguration logDeliveryConfigurationType `json:"LogDeliveryConfiguration"`
}

func toLogDeliveryOutput(ld userpool.LogDeliveryConfiguration) *logDeliveryConfigurationOutput {
	out := logDeliveryConfigurationType{UserPoolId: ld.PoolID, LogConfigurations: make([]logConfigurationType, len(ld.LogConfigurations))}
	for i, c := range ld.LogConfigurations {
		out.LogConfigurations[i] = logConfigurationType{LogLevel: c.LogLevel, EventSource: c.EventSource,
			CloudWatchLogsConfiguration: jsonObject(c.CloudWatchLogsConfiguration), S3Configuration: jsonObject(c.S3Configuration),
			FirehoseConfiguration: jsonObject(c.FirehoseConfiguration)}
	}
	return &logDeliveryConfigurationOutput{LogDeliveryConfiguration: out}
}

func (h *Handler) getLogDeliveryConfiguration(ctx context.Context, in *getLogDeliveryConfigurationInput) (*logDeliveryConfigurationOutput, error) {
	ld, err := h.svc.GetLogDeliveryConfiguration(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return toLogDeliveryOutput(ld), nil
}

func (h *Handler) setLogDeliveryConfiguration(ctx context.Context, in *setLogDeliveryConfigurationInput) (*logDeliveryConfigurationOutput, error) {
	list := make([]userpool.LogConfiguration, len(in.LogConfigurations))
	for i, c := range in.LogConfigurations {
		list[i] = userpool.LogConfiguration{LogLevel: c.LogLevel, EventSource: c.EventSource,
			CloudWatchLogsConfiguration: json.RawMessage(c.CloudWatchLogsConfiguration), S3Configuration: json.RawMessage(c.S3Configuration),
			FirehoseConfiguration: json.RawMessage(c.FirehoseConfiguration)}
	}
	ld, err := h.svc.SetLogDeliveryConfiguration(ctx, in.UserPoolId, list)
	if err != nil {
		return nil, err
	}
	return toLogDeliveryOutput(ld), nil
}

// Audit targets of the pool-resource operations (see operations.go).
var (
	byDomain       = target{member: "Domain"}
	byIdentifier   = target{member: "Identifier"}
	byProviderName = target{member: "ProviderName"}
	byBrandingID   = target{member: "ManagedLoginBrandingId"}
	byTermsID      = target{member: "TermsId"}
)

// blob is a blob member: base64 text on the wire. Unlike []byte it refuses
// a JSON array of numbers (the decoder reports a SerializationException).
type blob []byte

var blobType = reflect.TypeFor[[]byte]()

// UnmarshalJSON accepts a base64 string or null.
func (b *blob) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		*b = nil
		return nil
	}
	if len(data) == 0 || data[0] != '"' {
		return &json.UnmarshalTypeError{Value: "non-string", Type: blobType}
	}
	var raw []byte
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*b = raw
	return nil
}
