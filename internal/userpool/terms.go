package userpool

import (
	"context"
	"errors"
	"time"

	"userpool/internal/store"
)

// Terms documents of managed login (CreateTerms, DescribeTerms, UpdateTerms,
// DeleteTerms, ListTerms): links to an app client's terms of use and privacy
// policy, by language. An app client has at most one document of each name
// (the resource key is "<client>/<name>").

// Terms is TermsType.
type Terms struct {
	ID          string            `json:"TermsId"`
	PoolID      string            `json:"UserPoolId"`
	ClientID    string            `json:"ClientId"`
	Name        string            `json:"TermsName"`
	Source      string            `json:"TermsSource"`
	Enforcement string            `json:"Enforcement"`
	Links       map[string]string `json:"Links"`
	CreatedAt   time.Time         `json:"CreationDate"`
	UpdatedAt   time.Time         `json:"LastModifiedDate"`
}

// TermsInput is the input of CreateTerms and UpdateTerms; for Update, empty
// members keep their values.
type TermsInput struct {
	PoolID      string
	ClientID    string
	ID          string
	Name        string
	Source      string
	Enforcement string
	Links       map[string]string
}

func termsKey(clientID, name string) string { return clientID + "/" + name }

func errTermsNotFound() *Error { return Errorf(KindResourceNotFound, "Terms do not exist.") }

func errTermsExist(name string) *Error {
	return Errorf(KindTermsExists, "Terms with the name %s already exist for this app client.", name)
}

// CreateTerms creates a terms document of an app client.
func (s *Service) CreateTerms(ctx context.Context, in TermsInput) (Terms, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Terms{}, err
	}
	if err := s.requireClient(ctx, p.ID, in.ClientID); err != nil {
		return Terms{}, err
	}
	if len(in.Links) == 0 {
		return Terms{}, invalidParam("Links are required when TermsSource is LINK.")
	}
	id, err := s.newUUID()
	if err != nil {
		return Terms{}, err
	}
	now := s.nowUTC()
	t := Terms{ID: id, PoolID: p.ID, ClientID: in.ClientID, Name: in.Name, Source: in.Source, Enforcement: in.Enforcement,
		Links: in.Links, CreatedAt: now, UpdatedAt: now}
	body, err := encodeBody(t)
	if err != nil {
		return Terms{}, err
	}
	err = s.store.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindTerms, Name: id, Key: termsKey(in.ClientID, in.Name),
		Body: body, CreatedAt: now, UpdatedAt: now}, 0)
	switch {
	case err == nil:
		return t, nil
	case errors.Is(err, store.ErrAlreadyExists):
		return Terms{}, errTermsExist(in.Name)
	case errors.Is(err, store.ErrNotFound):
		return Terms{}, errPoolNotFound(p.ID)
	default:
		return Terms{}, Internal(err)
	}
}

// DescribeTerms returns a terms document.
func (s *Service) DescribeTerms(ctx context.Context, poolID, id string) (Terms, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return Terms{}, err
	}
	r, err := s.getResource(ctx, p.ID, kindTerms, id, errTermsNotFound)
	if err != nil {
		return Terms{}, err
	}
	var t Terms
	return t, decodeBody(r, &t)
}

// UpdateTerms changes the members given; a new name must be free for the
// app client (TermsExistsException).
func (s *Service) UpdateTerms(ctx context.Context, in TermsInput) (Terms, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Terms{}, err
	}
	now := s.nowUTC()
	var out Terms
	_, err = s.store.UpdateResource(ctx, p.ID, kindTerms, in.ID, func(r *store.Resource) error {
		var t Terms
		if err := decodeBody(*r, &t); err != nil {
			return err
		}
		if in.Name != "" {
			t.Name = in.Name
		}
		if in.Source != "" {
			t.Source = in.Source
		}
		if in.Enforcement != "" {
			t.Enforcement = in.Enforcement
		}
		if in.Links != nil {
			t.Links = in.Links
		}
		t.UpdatedAt = now
		body, err := encodeBody(t)
		if err != nil {
			return err
		}
		r.Body, r.Key, r.UpdatedAt = body, termsKey(t.ClientID, t.Name), now
		out = t
		return nil
	})
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, store.ErrNotFound):
		return Terms{}, errTermsNotFound()
	case errors.Is(err, store.ErrAlreadyExists):
		return Terms{}, errTermsExist(in.Name)
	default:
		return Terms{}, AsError(err)
	}
}

// DeleteTerms deletes a terms document.
func (s *Service) DeleteTerms(ctx context.Context, poolID, id string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	err = s.store.DeleteResource(ctx, p.ID, kindTerms, id)
	if errors.Is(err, store.ErrNotFound) {
		return errTermsNotFound()
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}

// ListTerms lists a pool's terms documents by id (MaxResults 1..60).
func (s *Service) ListTerms(ctx context.Context, poolID string, limit int, token string) ([]Terms, string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	const scope = "terms"
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		return nil, "", err
	}
	rs, next, err := s.store.ListResources(ctx, p.ID, kindTerms, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	out := make([]Terms, 0, len(rs))
	for _, r := range rs {
		var t Terms
		if err := decodeBody(r, &t); err != nil {
			return nil, "", err
		}
		out = append(out, t)
	}
	return out, wrapToken(p.ID, scope, next), nil
}
