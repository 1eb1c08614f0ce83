package userpool

import (
	"time"

	"userpool/internal/store"
)

// The domain's read types: what a face (the Cognito protocol, Admin Queries,
// the console, ...) may see of a user, a group or a device. They are built
// from the store's records inside this package and carry no credentials: no
// password hash, no SRP verifier, no TOTP secret, no lockout counters. A
// face renders them; it never sees a store record.
//
// They are values: copying one is cheap (the attribute map is shared with
// the record it was read from and is never written through a view).

// User is a user as the faces show it.
type User struct {
	Username  string // internal username as created (case preserved)
	Sub       string
	Status    string // UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ...
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// MFA is the user's MFA state without its secret.
	MFA MFAView

	poolID string
	key    string
	attrs  map[string]string // shared with the record: read only
}

// MFAView is the part of a user's MFA settings a face shows: the enabled
// factors, the preferred one and the legacy MFAOptions.
type MFAView struct {
	// Preferred is Cognito's PreferredMfaSetting ("" when none).
	Preferred string
	// Enabled is Cognito's UserMFASettingList.
	Enabled []string
	// Options are the legacy MFAOptions of AdminSetUserSettings.
	Options []MFAOption
}

// PoolID is the id of the user's pool.
func (u User) PoolID() string { return u.poolID }

// UsernameKey is the user's lookup key (the username, lower-cased unless the
// pool is case-sensitive).
func (u User) UsernameKey() string { return u.key }

// Attribute returns one attribute's value ("sub" included).
func (u User) Attribute(name string) (string, bool) {
	if name == "sub" {
		return u.Sub, u.Sub != ""
	}
	v, ok := u.attrs[name]
	return v, ok
}

// Attributes is the user's attribute list as Cognito returns it: sub first,
// then the others by name. only, when non-empty, keeps just those names.
func (u User) Attributes(only []string) []Attribute {
	return attributeList(u.Sub, u.attrs, only)
}

// userView builds the view of a stored user. A stored MFA document that does
// not decode is an internal error on every path that shows the user.
func userView(r store.User) (User, error) {
	m, err := decodeMFA(r.MFA)
	if err != nil {
		return User{}, err
	}
	return User{
		Username:  r.Username,
		Sub:       r.Sub,
		Status:    r.Status,
		Enabled:   r.Enabled,
		CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt,
		MFA:       m.view(),
		poolID:    r.PoolID,
		key:       r.UsernameKey,
		attrs:     r.Attributes,
	}, nil
}

func userViews(rs []store.User) ([]User, error) {
	out := make([]User, len(rs))
	for i, r := range rs {
		u, err := userView(r)
		if err != nil {
			return nil, err
		}
		out[i] = u
	}
	return out, nil
}

func (m MFASettings) view() MFAView {
	return MFAView{Preferred: m.PreferredMFA(), Enabled: m.EnabledMFA(), Options: m.MFAOptions}
}

// Group is a group of a pool. Precedence nil means "no precedence".
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleArn     string
	Precedence  *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func groupView(r store.Group) Group {
	return Group{PoolID: r.PoolID, Name: r.Name, Description: r.Description, RoleArn: r.RoleArn,
		Precedence: r.Precedence, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func groupViews(rs []store.Group) []Group {
	out := make([]Group, len(rs))
	for i, r := range rs {
		out[i] = groupView(r)
	}
	return out
}

// Device is a user's remembered device, without its SRP verifier.
type Device struct {
	Key        string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastAuthAt time.Time
	// Attributes are the device's attributes as Cognito lists them: the
	// stored ones plus "dev:device_remembered_status" once set, by name.
	Attributes []Attribute
}

func deviceView(r store.Device) Device {
	return Device{Key: r.Key, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastAuthAt: r.LastAuthAt,
		Attributes: deviceAttributes(r)}
}

func deviceViews(rs []store.Device) []Device {
	out := make([]Device, len(rs))
	for i, r := range rs {
		out[i] = deviceView(r)
	}
	return out
}
