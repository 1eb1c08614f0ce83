package userpool

import (
	"context"
	"errors"
	"sort"

	"userpool/internal/store"
)

// Device remembered statuses (DeviceRememberedStatusType).
const (
	DeviceRemembered    = "remembered"
	DeviceNotRemembered = "not_remembered"
)

func errDeviceNotFound() *Error { return Errorf(KindResourceNotFound, "Device does not exist.") }

func deviceError(err error) error {
	return storeError(err, on(store.ErrNotFound, errDeviceNotFound))
}

// deviceUser resolves the user of AdminGetDevice / AdminListDevices. Their
// model has no UserNotFoundException (SDKs could not type it), so an unknown
// user is a ResourceNotFoundException there.
func (s *Service) deviceUser(ctx context.Context, poolID, username string) (*Pool, store.User, error) {
	p, u, err := s.lookupUser(ctx, poolID, username)
	var de *Error
	if errors.As(err, &de) && de.Kind == KindUserNotFound {
		return nil, store.User{}, &Error{Kind: KindResourceNotFound, Message: de.Message}
	}
	return p, u, err
}

// AdminGetDevice returns one device of a user.
func (s *Service) AdminGetDevice(ctx context.Context, poolID, username, deviceKey string) (Device, error) {
	p, u, err := s.deviceUser(ctx, poolID, username)
	if err != nil {
		return Device{}, err
	}
	d, err := s.store.GetDevice(ctx, p.ID, u.UsernameKey, deviceKey)
	if err != nil {
		return Device{}, deviceError(err)
	}
	return deviceView(d), nil
}

// AdminListDevices lists a user's devices by device key.
func (s *Service) AdminListDevices(ctx context.Context, poolID, username string, limit int, token string) ([]Device, string, error) {
	p, u, err := s.deviceUser(ctx, poolID, username)
	if err != nil {
		return nil, "", err
	}
	scope := "devices\x00" + u.UsernameKey
	page, err := unwrapToken(p.ID, scope, limit, token)
	if err != nil {
		return nil, "", err
	}
	ds, next, err := s.store.ListDevices(ctx, p.ID, u.UsernameKey, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	return deviceViews(ds), wrapToken(p.ID, scope, next), nil
}

// AdminForgetDevice deletes a device of a user.
func (s *Service) AdminForgetDevice(ctx context.Context, poolID, username, deviceKey string) error {
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	return deviceError(s.store.DeleteDevice(ctx, p.ID, u.UsernameKey, deviceKey))
}

// AdminUpdateDeviceStatus sets a device's remembered status ("remembered" or
// "not_remembered"; "" leaves it unchanged).
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, poolID, username, deviceKey, status string) error {
	switch status {
	case "", DeviceRemembered, DeviceNotRemembered:
	default:
		return Errorf(KindInvalidParameter, "Invalid device remembered status: %s", status)
	}
	p, u, err := s.lookupUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	now := s.nowUTC()
	_, err = s.store.UpdateDevice(ctx, p.ID, u.UsernameKey, deviceKey, func(d *store.Device) error {
		if status != "" {
			d.Remembered = status
		}
		d.UpdatedAt = now
		return nil
	})
	return deviceError(err)
}

// deviceAttributes is the attribute list of a device as Cognito returns it:
// the stored attributes plus "dev:device_remembered_status" once set, by name.
func deviceAttributes(d store.Device) []Attribute {
	m := make(map[string]string, len(d.Attributes)+1)
	for k, v := range d.Attributes {
		m[k] = v
	}
	if d.Remembered != "" {
		m["dev:device_remembered_status"] = d.Remembered
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]Attribute, len(names))
	for i, k := range names {
		out[i] = Attribute{Name: k, Value: m[k]}
	}
	return out
}
