package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"userpool/internal/store"
)

// Managed login branding (CreateManagedLoginBranding,
// DescribeManagedLoginBranding, DescribeManagedLoginBrandingByClient,
// UpdateManagedLoginBranding, DeleteManagedLoginBranding): the style of the
// managed login pages of one app client, a Settings document and image
// assets. A client has at most one branding (keyed by the client id).

// BrandingAsset is AssetType.
type BrandingAsset struct {
	Category   string `json:"Category"`
	ColorMode  string `json:"ColorMode"`
	Extension  string `json:"Extension"`
	Bytes      []byte `json:"Bytes,omitempty"`
	ResourceID string `json:"ResourceId,omitempty"`
}

// Branding is ManagedLoginBrandingType, with the app client it styles.
type Branding struct {
	ID                       string          `json:"ManagedLoginBrandingId"`
	PoolID                   string          `json:"UserPoolId"`
	ClientID                 string          `json:"ClientId"`
	UseCognitoProvidedValues bool            `json:"UseCognitoProvidedValues"`
	Settings                 json.RawMessage `json:"Settings,omitempty"`
	Assets                   []BrandingAsset `json:"Assets"`
	CreatedAt                time.Time       `json:"CreationDate"`
	UpdatedAt                time.Time       `json:"LastModifiedDate"`
}

// BrandingInput is the input of Create- and UpdateManagedLoginBranding. For
// Update, nil Settings / Assets / UseCognitoProvidedValues keep the current
// values.
type BrandingInput struct {
	PoolID                   string
	ClientID                 string
	ID                       string
	UseCognitoProvidedValues *bool
	Settings                 json.RawMessage
	Assets                   []BrandingAsset
}

func errBrandingNotFound() *Error {
	return Errorf(KindResourceNotFound, "Managed login branding does not exist.")
}

func checkBranding(in BrandingInput) error {
	if in.UseCognitoProvidedValues != nil && *in.UseCognitoProvidedValues && (len(nullToNil(in.Settings)) > 0 || len(in.Assets) > 0) {
		return invalidParam("Settings and Assets cannot be provided when UseCognitoProvidedValues is true.")
	}
	seen := map[[2]string]bool{}
	for _, a := range in.Assets {
		k := [2]string{a.Category, a.ColorMode}
		if seen[k] {
			return invalidParam("Duplicate asset for category %s and color mode %s.", a.Category, a.ColorMode)
		}
		seen[k] = true
	}
	return nil
}

// CreateBranding creates the managed login branding of an app client.
func (s *Service) CreateBranding(ctx context.Context, in BrandingInput) (Branding, error) {
	if err := checkBranding(in); err != nil {
		return Branding{}, err
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Branding{}, err
	}
	if err := s.requireClient(ctx, p.ID, in.ClientID); err != nil {
		return Branding{}, err
	}
	id, err := s.newUUID()
	if err != nil {
		return Branding{}, err
	}
	now := s.nowUTC()
	b := Branding{ID: id, PoolID: p.ID, ClientID: in.ClientID, Settings: nullToNil(in.Settings), Assets: in.Assets, CreatedAt: now, UpdatedAt: now}
	if in.UseCognitoProvidedValues != nil {
		b.UseCognitoProvidedValues = *in.UseCognitoProvidedValues
	}
	if !b.UseCognitoProvidedValues && len(b.Settings) == 0 && len(b.Assets) == 0 {
		b.UseCognitoProvidedValues = true
	}
	if b.Assets == nil {
		b.Assets = []BrandingAsset{}
	}
	body, err := encodeBody(b)
	if err != nil {
		return Branding{}, err
	}
	err = s.store.CreateResource(ctx, store.Resource{PoolID: p.ID, Kind: kindBranding, Name: id, Key: in.ClientID, Body: body, CreatedAt: now, UpdatedAt: now}, 0)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, store.ErrAlreadyExists):
		return Branding{}, Errorf(KindManagedLoginBrandingExists, "Managed login branding already exists for the app client %s.", in.ClientID)
	case errors.Is(err, store.ErrNotFound):
		return Branding{}, errPoolNotFound(p.ID)
	default:
		return Branding{}, Internal(err)
	}
}

// DescribeBranding returns a branding by id.
func (s *Service) DescribeBranding(ctx context.Context, poolID, id string) (Branding, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return Branding{}, err
	}
	r, err := s.getResource(ctx, p.ID, kindBranding, id, errBrandingNotFound)
	if err != nil {
		return Branding{}, err
	}
	var b Branding
	return b, decodeBody(r, &b)
}

// DescribeBrandingByClient returns the branding of an app client.
func (s *Service) DescribeBrandingByClient(ctx context.Context, poolID, clientID string) (Branding, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return Branding{}, err
	}
	r, err := s.store.GetResourceByKey(ctx, kindBranding, clientID)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.PoolID != p.ID {
		return Branding{}, errBrandingNotFound()
	}
	if err != nil {
		return Branding{}, Internal(err)
	}
	var b Branding
	return b, decodeBody(r, &b)
}

// UpdateBranding changes a branding. UseCognitoProvidedValues true drops the
// settings and assets.
func (s *Service) UpdateBranding(ctx context.Context, in BrandingInput) (Branding, error) {
	if err := checkBranding(in); err != nil {
		return Branding{}, err
	}
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return Branding{}, err
	}
	now := s.nowUTC()
	var out Branding
	_, err = s.store.UpdateResource(ctx, p.ID, kindBranding, in.ID, func(r *store.Resource) error {
		var b Branding
		if err := decodeBody(*r, &b); err != nil {
			return err
		}
		if len(nullToNil(in.Settings)) > 0 {
			b.Settings = in.Settings
			b.UseCognitoProvidedValues = false
		}
		if in.Assets != nil {
			b.Assets = in.Assets
		}
		if in.UseCognitoProvidedValues != nil {
			b.UseCognitoProvidedValues = *in.UseCognitoProvidedValues
			if b.UseCognitoProvidedValues {
				b.Settings, b.Assets = nil, []BrandingAsset{}
			}
		}
		b.UpdatedAt = now
		body, err := encodeBody(b)
		if err != nil {
			return err
		}
		r.Body, r.UpdatedAt = body, now
		out = b
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Branding{}, errBrandingNotFound()
	}
	if err != nil {
		return Branding{}, AsError(err)
	}
	return out, nil
}

// DeleteBranding deletes a branding.
func (s *Service) DeleteBranding(ctx context.Context, poolID, id string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	err = s.store.DeleteResource(ctx, p.ID, kindBranding, id)
	if errors.Is(err, store.ErrNotFound) {
		return errBrandingNotFound()
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}
