package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"userpool/internal/srp"
	"userpool/internal/store"
)

// Device tracking (pool DeviceConfiguration set).
//
//   - A sign-in that did not prove a remembered device gets
//     AuthenticationResult.NewDeviceMetadata {DeviceKey "<region>_<uuid>",
//     DeviceGroupKey}; its access token carries device_key. The proposal is
//     kept as a pending store.Session (id "device:" + SHA-256 of pool and
//     key) for as long as the access token lives, so unconfirmed keys never
//     become device records.
//   - ConfirmDevice (access token of the same user) turns the proposal into a
//     device with the client's SRP salt and verifier, computed with
//     poolName := DeviceGroupKey and userID := DeviceKey. The device is
//     remembered at once unless the pool has DeviceOnlyRememberedOnUserPrompt,
//     in which case UserConfirmationNecessary is true and it stays
//     not_remembered until UpdateDeviceStatus.
//   - A later sign-in with DEVICE_KEY continues after the password step with
//     DEVICE_SRP_AUTH (the client sends SRP_A) and DEVICE_PASSWORD_VERIFIER
//     (the client's proof). A remembered device then skips MFA; the tokens
//     carry its device_key and LastAuthAt is updated. An unknown DEVICE_KEY
//     is ResourceNotFoundException "Device does not exist." (amazon-cognito-
//     identity-js then retries without it).

const deviceProposal = "NEW_DEVICE"

func pendingDeviceID(poolID, deviceKey string) string {
	sum := sha256.Sum256([]byte(poolID + "\x00" + deviceKey))
	return "device:" + hex.EncodeToString(sum[:])
}

type pendingDevice struct {
	GroupKey string `json:"g"`
}

const deviceGroupAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// proposeDevice mints NewDeviceMetadata for a sign-in and records the proposal.
func (s *signIn) proposeDevice(ctx context.Context, u store.User) (*NewDeviceMetadata, error) {
	p, c := s.pool, s.client
	id, err := s.newUUID()
	if err != nil {
		return nil, err
	}
	region, _, _ := strings.Cut(p.ID, "_")
	key := region + "_" + id
	group, err := randomString(s.rand, 9, deviceGroupAlphabet)
	if err != nil {
		return nil, Internal(err)
	}
	group = "-" + group
	state, _ := json.Marshal(pendingDevice{GroupKey: group})
	now := s.nowUTC()
	err = s.store.CreateSession(ctx, store.Session{
		ID:          pendingDeviceID(p.ID, key),
		PoolID:      p.ID,
		ClientID:    c.ID,
		UsernameKey: u.UsernameKey,
		Challenge:   deviceProposal,
		State:       state,
		CreatedAt:   now,
		ExpiresAt:   now.Add(c.AccessTokenValidity()),
	})
	if err != nil {
		return nil, Internal(err)
	}
	return &NewDeviceMetadata{DeviceKey: key, DeviceGroupKey: group}, nil
}

// confirmedDevice loads a device of the user that can answer DEVICE_SRP_AUTH.
func (s *Service) confirmedDevice(ctx context.Context, p *Pool, u store.User, key string) (store.Device, error) {
	d, err := s.store.GetDevice(ctx, p.ID, u.UsernameKey, key)
	if errors.Is(err, store.ErrNotFound) || err == nil && len(d.SRPVerifier) == 0 {
		return store.Device{}, errDeviceNotFound()
	}
	if err != nil {
		return store.Device{}, Internal(err)
	}
	return d, nil
}

// answerDeviceSRPAuth takes the client's SRP_A for its device and answers
// DEVICE_PASSWORD_VERIFIER.
func (s *signIn) answerDeviceSRPAuth(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p := s.pool
	ls, err := s.loadSession(ctx, parseSessionToken(session), ChallengeDeviceSRPAuth)
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	st := ls.state
	dk, aHex := r["DEVICE_KEY"], r["SRP_A"]
	if dk == "" {
		return nil, errMissingParam("DEVICE_KEY")
	}
	if aHex == "" {
		return nil, errMissingParam("SRP_A")
	}
	if dk != st.DeviceKey {
		return nil, errInvalidSession()
	}
	if _, err := srp.ParseHexInt(aHex, srp.MaxAHexLen); err != nil {
		return nil, Errorf(KindInvalidParameter, "Invalid SRP_A.")
	}
	d, err := s.confirmedDevice(ctx, p, u, dk)
	if err != nil {
		return nil, err
	}
	srv, err := srp.NewServer(d.SRPVerifier, s.rand)
	if err != nil {
		return nil, errDeviceNotFound()
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	if st.SRP, err = srv.MarshalBinary(); err != nil {
		return nil, Internal(err)
	}
	st.A = aHex
	raw, err := s.newChallengeSession(ctx, u.UsernameKey, ChallengeDevicePasswordVerifier, st)
	if err != nil {
		return nil, err
	}
	return &AuthOutput{
		ChallengeName: ChallengeDevicePasswordVerifier,
		Session:       sessionString(raw),
		ChallengeParameters: map[string]string{
			"SALT":         srp.SaltHex(d.SRPSalt),
			"SRP_B":        srv.BHex(),
			"SECRET_BLOCK": secretBlockString(raw),
			"USERNAME":     u.Username,
			"DEVICE_KEY":   dk,
		},
	}, nil
}

// answerDevicePasswordVerifier checks the device's SRP proof.
func (s *signIn) answerDevicePasswordVerifier(ctx context.Context, r map[string]string, session string) (*AuthOutput, error) {
	p := s.pool
	raw := parseSessionToken(session)
	blockB64 := r["PASSWORD_CLAIM_SECRET_BLOCK"]
	if raw == nil {
		raw = parseSessionToken(blockB64) // the block is the session token
	}
	ls, err := s.loadSession(ctx, raw, ChallengeDevicePasswordVerifier)
	if err != nil {
		return nil, err
	}
	block := parseSessionToken(blockB64)
	if block == nil || !constantTimeEqual(string(block), string(raw)) {
		return nil, errIncorrect()
	}
	u, err := s.sessionUser(ctx, ls, r)
	if err != nil {
		return nil, err
	}
	st := ls.state
	if dk := r["DEVICE_KEY"]; dk != "" && dk != st.DeviceKey {
		return nil, errInvalidSession()
	}
	if err := s.take(ctx, ls); err != nil {
		return nil, err
	}
	ts := r["TIMESTAMP"]
	if srp.ParseTimestamp(ts, s.now(), srpTimestampSkew) != nil {
		return nil, errIncorrect()
	}
	d, err := s.confirmedDevice(ctx, p, u, st.DeviceKey)
	if err != nil {
		return nil, err
	}
	var srv srp.Server
	if err := srv.UnmarshalBinary(st.SRP); err != nil {
		return nil, Internal(err)
	}
	if err := srp.VerifyClaim(&srv, d.SRPVerifier, st.A, d.GroupKey, d.Key, block, ts, r["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		return nil, errIncorrect()
	}
	now := s.nowUTC()
	d, err = s.store.UpdateDevice(ctx, p.ID, u.UsernameKey, d.Key, func(x *store.Device) error {
		x.LastAuthAt = now
		return nil
	})
	if err != nil {
		return nil, deviceError(err)
	}
	st.DeviceVerified = true
	st.DeviceRemembered = d.Remembered == DeviceRemembered
	return s.afterPassword(ctx, u, st)
}

// ConfirmDeviceInput is ConfirmDevice's input. PasswordVerifier and Salt are
// the standard base64 of the big-endian verifier and salt
// (DeviceSecretVerifierConfig).
type ConfirmDeviceInput struct {
	AccessToken      string
	DeviceKey        string
	PasswordVerifier string
	Salt             string
	DeviceName       string
}

// ConfirmDevice confirms a device proposed at sign-in (NewDeviceMetadata)
// and reports whether the user must still be asked to remember it
// (UserConfirmationNecessary).
func (s *Service) ConfirmDevice(ctx context.Context, in ConfirmDeviceInput) (bool, error) {
	ac, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return false, err
	}
	p, u := ac.Pool, ac.User
	if p.Settings.DeviceConfiguration == nil {
		return false, Errorf(KindInvalidUserPoolConfig, "Device tracking is not enabled for this user pool.")
	}
	salt, err1 := base64.StdEncoding.DecodeString(in.Salt)
	verifier, err2 := base64.StdEncoding.DecodeString(in.PasswordVerifier)
	for len(verifier) > 0 && verifier[0] == 0 {
		verifier = verifier[1:]
	}
	if err1 != nil || err2 != nil || len(salt) == 0 || len(salt) > 256 || len(verifier) == 0 || len(verifier) > srp.VerifierLen {
		return false, Errorf(KindInvalidParameter, "Invalid DeviceSecretVerifierConfig.")
	}
	if _, err := srp.NewServer(verifier, s.rand); err != nil { // 0 < v < N
		return false, Errorf(KindInvalidParameter, "Invalid DeviceSecretVerifierConfig.")
	}
	if _, err := s.store.GetDevice(ctx, p.ID, u.UsernameKey, in.DeviceKey); err == nil {
		return false, Errorf("DeviceKeyExistsException", "Device key already exists.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, Internal(err)
	}
	// Read the proposal, check it is this user's, then take it (single use).
	pid := pendingDeviceID(p.ID, in.DeviceKey)
	pending, err := s.store.GetSession(ctx, pid)
	if err != nil {
		return false, storeError(err, on(store.ErrNotFound, errDeviceNotFound))
	}
	var pd pendingDevice
	now := s.nowUTC()
	if pending.Challenge != deviceProposal || pending.PoolID != p.ID || pending.UsernameKey != u.UsernameKey ||
		!now.Before(pending.ExpiresAt) || json.Unmarshal(pending.State, &pd) != nil || pd.GroupKey == "" {
		return false, errDeviceNotFound()
	}
	if _, err := s.store.TakeSession(ctx, pid); errors.Is(err, store.ErrNotFound) {
		return false, errDeviceNotFound()
	} else if err != nil {
		return false, Internal(err)
	}
	prompt := p.Settings.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt
	remembered := DeviceRemembered
	if prompt {
		remembered = DeviceNotRemembered
	}
	attrs := map[string]string{"device_status": "valid"}
	if in.DeviceName != "" {
		attrs["device_name"] = in.DeviceName
	}
	d := store.Device{
		PoolID:      p.ID,
		UsernameKey: u.UsernameKey,
		Key:         in.DeviceKey,
		GroupKey:    pd.GroupKey,
		Attributes:  attrs,
		Remembered:  remembered,
		SRPSalt:     salt,
		SRPVerifier: verifier,
		CreatedAt:   now,
		UpdatedAt:   now,
		LastAuthAt:  now,
	}
	switch err := s.store.CreateDevice(ctx, d); {
	case err == nil:
	case errors.Is(err, store.ErrAlreadyExists):
		return false, Errorf("DeviceKeyExistsException", "Device key already exists.")
	case errors.Is(err, store.ErrNotFound):
		return false, Errorf(KindNotAuthorized, "User does not exist.")
	default:
		return false, Internal(err)
	}
	return prompt, nil
}

// GetDevice returns one of the access token's user's devices.
func (s *Service) GetDevice(ctx context.Context, accessToken, deviceKey string) (Device, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return Device{}, err
	}
	d, err := s.store.GetDevice(ctx, ac.Pool.ID, ac.User.UsernameKey, deviceKey)
	if err != nil {
		return Device{}, deviceError(err)
	}
	return deviceView(d), nil
}

// ListDevices lists the access token's user's devices by device key.
func (s *Service) ListDevices(ctx context.Context, accessToken string, limit int, pageToken string) ([]Device, string, error) {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return nil, "", err
	}
	scope := "devices\x00" + ac.User.UsernameKey
	page, err := unwrapToken(ac.Pool.ID, scope, limit, pageToken)
	if err != nil {
		return nil, "", err
	}
	ds, next, err := s.store.ListDevices(ctx, ac.Pool.ID, ac.User.UsernameKey, page)
	if err != nil {
		return nil, "", listPageError(err)
	}
	return deviceViews(ds), wrapToken(ac.Pool.ID, scope, next), nil
}

// ForgetDevice deletes one of the access token's user's devices.
func (s *Service) ForgetDevice(ctx context.Context, accessToken, deviceKey string) error {
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	return deviceError(s.store.DeleteDevice(ctx, ac.Pool.ID, ac.User.UsernameKey, deviceKey))
}

// UpdateDeviceStatus sets the remembered status of one of the access
// token's user's devices ("remembered" / "not_remembered"; "" keeps it).
func (s *Service) UpdateDeviceStatus(ctx context.Context, accessToken, deviceKey, status string) error {
	switch status {
	case "", DeviceRemembered, DeviceNotRemembered:
	default:
		return Errorf(KindInvalidParameter, "Invalid device remembered status: %s", status)
	}
	ac, err := s.authenticate(ctx, accessToken)
	if err != nil {
		return err
	}
	now := s.nowUTC()
	_, err = s.store.UpdateDevice(ctx, ac.Pool.ID, ac.User.UsernameKey, deviceKey, func(d *store.Device) error {
		if status != "" {
			d.Remembered = status
		}
		d.UpdatedAt = now
		return nil
	})
	return deviceError(err)
}
