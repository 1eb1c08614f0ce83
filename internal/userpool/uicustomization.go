package userpool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"userpool/internal/store"
)

// UI customization of the classic hosted UI (GetUICustomization,
// SetUICustomization): a CSS document and a logo, for the whole pool
// (ClientId "ALL") or one app client. An app client without its own
// customization shows the pool's.

// MaxUIImageBytes is the largest logo SetUICustomization takes (ImageFileType).
const MaxUIImageBytes = 131072

// UICustomization is UICustomizationType, with the image itself for the
// hosted login pages that serve it.
type UICustomization struct {
	PoolID     string    `json:"UserPoolId"`
	ClientID   string    `json:"ClientId"`
	CSS        string    `json:"CSS,omitempty"`
	CSSVersion string    `json:"CSSVersion,omitempty"`
	Image      []byte    `json:"Image,omitempty"`
	ImageType  string    `json:"ImageType,omitempty"` // "png" or "jpg"
	ImageURL   string    `json:"ImageUrl,omitempty"`
	CreatedAt  time.Time `json:"CreatedAt"`
	UpdatedAt  time.Time `json:"UpdatedAt"`
}

// imageType recognises the PNG and JPEG files Cognito takes.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpg"
	}
	return ""
}

func uiName(clientID string) string {
	if clientID == "" {
		return allClients
	}
	return clientID
}

// SetUICustomization sets the CSS and logo of the pool (clientID "" or "ALL")
// or of one app client. Omitted members are cleared, as in Cognito.
func (s *Service) SetUICustomization(ctx context.Context, poolID, clientID string, css *string, image []byte) (UICustomization, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return UICustomization{}, err
	}
	name := uiName(clientID)
	if name != allClients {
		if err := s.requireClient(ctx, p.ID, name); err != nil {
			return UICustomization{}, err
		}
	}
	now := s.nowUTC()
	ui := UICustomization{PoolID: p.ID, ClientID: name, UpdatedAt: now}
	if css != nil {
		ui.CSS = *css
		ui.CSSVersion = domainVersion(now)
	}
	if len(image) > 0 {
		if len(image) > MaxUIImageBytes {
			return UICustomization{}, invalidParam("The image file is larger than %d bytes.", MaxUIImageBytes)
		}
		if ui.ImageType = imageType(image); ui.ImageType == "" {
			return UICustomization{}, invalidParam("The image file must be a PNG or JPEG image.")
		}
		ui.Image = image
		ui.ImageURL = fmt.Sprintf("https://%s/%s/%s/%s/assets/images/image.%s",
			cloudFrontName(p.ID), p.ID, name, domainVersion(now), ui.ImageType)
	}
	// The creation time survives a later Set.
	err = s.putResource(ctx, p.ID, kindUICustom, name, "", now, func(created time.Time) ([]byte, error) {
		ui.CreatedAt = created
		return encodeBody(ui)
	})
	if err != nil {
		return UICustomization{}, err
	}
	return ui, nil
}

// GetUICustomization returns the customization an app client shows (its own,
// else the pool's), or the pool's for clientID "". With none set it holds
// only the pool and client ids.
func (s *Service) GetUICustomization(ctx context.Context, poolID, clientID string) (UICustomization, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return UICustomization{}, err
	}
	name := uiName(clientID)
	if name != allClients {
		if err := s.requireClient(ctx, p.ID, name); err != nil {
			return UICustomization{}, err
		}
	}
	for _, n := range []string{name, allClients} {
		r, err := s.store.GetResource(ctx, p.ID, kindUICustom, n)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return UICustomization{}, Internal(err)
		}
		var ui UICustomization
		if err := decodeBody(r, &ui); err != nil {
			return UICustomization{}, err
		}
		ui.ClientID = name
		return ui, nil
	}
	return UICustomization{PoolID: p.ID, ClientID: name}, nil
}
