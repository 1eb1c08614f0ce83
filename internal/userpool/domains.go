package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"userpool/internal/store"
)

// User pool domains (CreateUserPoolDomain, DescribeUserPoolDomain,
// UpdateUserPoolDomain, DeleteUserPoolDomain). A pool has at most one prefix
// domain ("<prefix>.auth.<region>.amazoncognito.com") and one custom domain
// (a host name of the owner's, with an ACM certificate); a domain name
// belongs to one pool in the whole server. The resource is named "prefix" or
// "custom" in its pool (so a pool cannot hold two of one sort) and keyed by
// the domain name (so no two pools share one): DomainPool finds the pool a
// request's host or path prefix names.

const (
	domainPrefix = "prefix"
	domainCustom = "custom"
)

// CustomDomainConfig is CustomDomainConfigType.
type CustomDomainConfig struct {
	CertificateArn string `json:"CertificateArn"`
	SecurityPolicy string `json:"SecurityPolicy,omitempty"`
}

// Domain is a domain of a pool (DomainDescriptionType), with the values
// Cognito derives for it.
type Domain struct {
	PoolID              string              `json:"UserPoolId"`
	Domain              string              `json:"Domain"`
	CustomDomainConfig  *CustomDomainConfig `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion int                 `json:"ManagedLoginVersion"`
	// Routing is RoutingType, stored and echoed.
	Routing json.RawMessage `json:"Routing,omitempty"`
	// CloudFrontDistribution is the distribution a custom domain's DNS
	// record points at (a stable name derived from the domain).
	CloudFrontDistribution string `json:"CloudFrontDistribution"`
	// Version is the domain's configuration version (a UTC timestamp
	// "20060102150405", as Cognito shows it).
	Version   string    `json:"Version"`
	CreatedAt time.Time `json:"CreatedAt"`
	UpdatedAt time.Time `json:"UpdatedAt"`
}

// Custom reports whether d is a custom domain (not a prefix of Cognito's).
func (d Domain) Custom() bool { return d.CustomDomainConfig != nil }

// DomainInput is the input of CreateDomain and UpdateDomain.
type DomainInput struct {
	PoolID             string
	Domain             string
	CustomDomainConfig *CustomDomainConfig
	// ManagedLoginVersion: 1 the classic hosted UI, 2 managed login; nil
	// keeps the current value (1 on create).
	ManagedLoginVersion *int
	Routing             json.RawMessage
}

var prefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

// hostLabel is one label of a custom domain's host name.
var hostLabel = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

func checkDomainName(name string, custom bool) error {
	if !custom {
		if !prefixPattern.MatchString(name) {
			return invalidParam(`The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
		}
		for _, w := range []string{"aws", "amazon", "cognito"} {
			if strings.Contains(name, w) {
				return invalidParam("Domain cannot contain reserved word: %s", w)
			}
		}
		return nil
	}
	labels := strings.Split(name, ".")
	if len(name) > 253 || len(labels) < 2 {
		return invalidParam("The custom domain %s is not a valid fully qualified domain name.", name)
	}
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return invalidParam("The custom domain %s is not a valid fully qualified domain name.", name)
		}
	}
	return nil
}

func checkManagedLoginVersion(v *int) error {
	if v != nil && *v != 1 && *v != 2 {
		return invalidParam("ManagedLoginVersion must be 1 or 2.")
	}
	return nil
}

// cloudFrontName is the stable stand-in for the CloudFront distribution of a
// domain: "d" and 13 characters derived from the name, as CloudFront's are.
func cloudFrontName(domain string) string {
	sum := sha256.Sum256([]byte("userpool-domain:" + domain))
	enc := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))
	return "d" + enc[:13] + ".cloudfront.net"
}

func domainVersion(t time.Time) string { return t.UTC().Format("20060102150405") }

func errDomainNotFound() *Error {
	return invalidParam("No such domain or user pool exists.")
}

// CreateDomain creates a domain for a pool (CreateUserPoolDomain).
func (s *Service) CreateDomain(ctx context.Context, in DomainInput) (Domain, error) {
	custom := in.CustomDomainConfig != nil
	if err := checkDomainName(in.Domain, custom); err != nil {
		return Domain{}, err
	}
	if err := checkManagedLoginVersion(in.ManagedLoginVersion); err != nil {
		return Domain{}, err
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Domain{}, err
	}
	now := s.nowUTC()
	d := Domain{PoolID: p.ID, Domain: in.Domain, CustomDomainConfig: in.CustomDomainConfig, ManagedLoginVersion: 1,
		Routing: nullToNil(in.Routing), CloudFrontDistribution: cloudFrontName(in.Domain), Version: domainVersion(now),
		CreatedAt: now, UpdatedAt: now}
	if in.ManagedLoginVersion != nil {
		d.ManagedLoginVersion = *in.ManagedLoginVersion
	}
	name := domainPrefix
	if custom {
		name = domainCustom
	}
	body, err := encodeBody(d)
	if err != nil {
		return Domain{}, err
	}
	err = s.store.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindDomain, Name: name, Key: in.Domain, Body: body, CreatedAt: now, UpdatedAt: now}, 0)
	if errors.Is(err, store.ErrAlreadyExists) {
		// Which of the two is taken: the name, or the pool's slot?
		if r, gerr := s.store.GetResourceByKey(ctx, kindDomain, in.Domain); gerr == nil {
			if r.PoolID != p.ID {
				return Domain{}, invalidParam("Domain already associated with another user pool.")
			}
			return Domain{}, invalidParam("Domain already exists.")
		}
		return Domain{}, invalidParam("User pool already has a domain configured.")
	}
	if errors.Is(err, store.ErrNotFound) {
		return Domain{}, errPoolNotFound(p.ID)
	}
	if err != nil {
		return Domain{}, Internal(err)
	}
	return d, nil
}

// DescribeDomain returns the domain named domain (DescribeUserPoolDomain);
// nil, nil when no pool has it (Cognito then answers an empty description).
func (s *Service) DescribeDomain(ctx context.Context, domain string) (*Domain, error) {
	r, err := s.store.GetResourceByKey(ctx, kindDomain, domain)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Internal(err)
	}
	var d Domain
	if err := decodeBody(r, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// DomainPool returns the pool a domain belongs to and the domain, for the
// hosted login and OAuth endpoints (a request's Host, or the path prefix that
// stands for it). ResourceNotFoundException when no pool has the domain.
func (s *Service) DomainPool(ctx context.Context, domain string) (*Pool, Domain, error) {
	d, err := s.cachedDomain(ctx, domain)
	if err != nil {
		return nil, Domain{}, err
	}
	if d == nil {
		return nil, Domain{}, Errorf(KindResourceNotFound, "Domain %s does not exist.", domain)
	}
	p, err := s.GetPool(ctx, d.PoolID)
	if err != nil {
		return nil, Domain{}, err
	}
	return p, *d, nil
}

// PoolDomains returns a pool's prefix and custom domain names ("" for none),
// which DescribeUserPool shows as Domain and CustomDomain.
func (s *Service) PoolDomains(ctx context.Context, poolID string) (prefix, custom string, err error) {
	rs, err := s.allResources(ctx, poolID, kindDomain)
	if err != nil {
		return "", "", err
	}
	for _, r := range rs {
		switch r.Name {
		case domainPrefix:
			prefix = r.Key
		case domainCustom:
			custom = r.Key
		}
	}
	return prefix, custom, nil
}

// poolDomain reads the domain named domain of the pool; "No such domain or
// user pool exists." when the pool has no such domain.
func (s *Service) poolDomain(ctx context.Context, poolID, domain string) (store.Resource, error) {
	r, err := s.store.GetResourceByKey(ctx, kindDomain, domain)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.PoolID != poolID {
		if _, perr := s.GetPool(ctx, poolID); perr != nil {
			return r, perr
		}
		return r, errDomainNotFound()
	}
	if err != nil {
		return r, Internal(err)
	}
	return r, nil
}

// UpdateDomain changes a domain's certificate (custom domains) and managed
// login version (UpdateUserPoolDomain).
func (s *Service) UpdateDomain(ctx context.Context, in DomainInput) (Domain, error) {
	if err := checkManagedLoginVersion(in.ManagedLoginVersion); err != nil {
		return Domain{}, err
	}
	r, err := s.poolDomain(ctx, in.PoolID, in.Domain)
	if err != nil {
		return Domain{}, err
	}
	if r.Name == domainCustom && in.CustomDomainConfig == nil && in.ManagedLoginVersion == nil {
		return Domain{}, invalidParam("CustomDomainConfig or ManagedLoginVersion must be provided.")
	}
	if r.Name == domainPrefix && in.CustomDomainConfig != nil {
		return Domain{}, invalidParam("CustomDomainConfig can only be updated for a custom domain.")
	}
	defer s.oauthc.dropDomains() // after the write
	now := s.nowUTC()
	var out Domain
	_, err = s.store.UpdateResource(ctx, r.PoolID, kindDomain, r.Name, func(r *store.Resource) error {
		var d Domain
		if err := decodeBody(*r, &d); err != nil {
			return err
		}
		if in.CustomDomainConfig != nil {
			d.CustomDomainConfig = in.CustomDomainConfig
		}
		if in.ManagedLoginVersion != nil {
			d.ManagedLoginVersion = *in.ManagedLoginVersion
		}
		if len(nullToNil(in.Routing)) > 0 {
			d.Routing = in.Routing
		}
		d.Version, d.UpdatedAt = domainVersion(now), now
		body, err := encodeBody(d)
		if err != nil {
			return err
		}
		r.Body, r.UpdatedAt = body, now
		out = d
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Domain{}, errDomainNotFound()
	}
	if err != nil {
		return Domain{}, AsError(err)
	}
	return out, nil
}

// DeleteDomain deletes a pool's domain (DeleteUserPoolDomain).
func (s *Service) DeleteDomain(ctx context.Context, poolID, domain string) error {
	r, err := s.poolDomain(ctx, poolID, domain)
	if err != nil {
		return err
	}
	defer s.oauthc.dropDomains() // after the write
	err = s.store.DeleteResource(ctx, r.PoolID, kindDomain, r.Name)
	if errors.Is(err, store.ErrNotFound) {
		return errDomainNotFound()
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}

// hasDomain reports whether the pool has a domain (DeleteUserPool refuses
// such a pool).
func (s *Service) hasDomain(ctx context.Context, poolID string) (bool, error) {
	n, err := s.store.CountResources(ctx, poolID, kindDomain)
	if err != nil {
		return false, Internal(err)
	}
	return n > 0, nil
}
