package cognitoidp

import (
	"context"

	"userpool/internal/userpool"
)

// User-side device operations, authorised by the access token in the body:
// ConfirmDevice, GetDevice, ListDevices, ForgetDevice, UpdateDeviceStatus.

// DeviceSecretVerifierConfigType carries the device's SRP verifier and salt (base64).
type DeviceSecretVerifierConfigType struct {
	PasswordVerifier *string `json:"PasswordVerifier"`
	Salt             *string `json:"Salt"`
}

// ConfirmDeviceInput is the input of ConfirmDevice.
type ConfirmDeviceInput struct {
	AccessToken                string                          `cg:"req,re=token,sensitive"`
	DeviceKey                  string                          `cg:"req,len=1:55,re=deviceKey"`
	DeviceSecretVerifierConfig *DeviceSecretVerifierConfigType `json:"DeviceSecretVerifierConfig"`
	DeviceName                 *string                         `cg:"len=1:1024"`
}

// ConfirmDeviceOutput is the output of ConfirmDevice.
type ConfirmDeviceOutput struct {
	UserConfirmationNecessary bool `json:"UserConfirmationNecessary"`
}

// UserDeviceInput names a device of the token's user (GetDevice, ForgetDevice).
type UserDeviceInput struct {
	DeviceKey   string `cg:"req,len=1:55,re=deviceKey"`
	AccessToken string `cg:"req,re=token,sensitive"`
}

// GetDeviceOutput is the output of GetDevice.
type GetDeviceOutput struct {
	Device DeviceType `json:"Device"`
}

// ListDevicesInput is the input of ListDevices.
type ListDevicesInput struct {
	AccessToken     string  `cg:"req,re=token,sensitive"`
	Limit           *int32  `cg:"range=0:60"`
	PaginationToken *string `cg:"len=1:,re=nonSpace"`
}

// ListDevicesOutput is the output of ListDevices.
type ListDevicesOutput struct {
	Devices         []DeviceType `json:"Devices"`
	PaginationToken string       `json:"PaginationToken,omitempty"`
}

// UpdateDeviceStatusInput is the input of UpdateDeviceStatus.
type UpdateDeviceStatusInput struct {
	AccessToken            string  `cg:"req,re=token,sensitive"`
	DeviceKey              string  `cg:"req,len=1:55,re=deviceKey"`
	DeviceRememberedStatus *string `cg:"enum=remembered|not_remembered"`
}

func (h *Handler) confirmDevice(ctx context.Context, in *ConfirmDeviceInput) (*ConfirmDeviceOutput, error) {
	var verifier, salt string
	if c := in.DeviceSecretVerifierConfig; c != nil {
		verifier, salt = uStr(c.PasswordVerifier), uStr(c.Salt)
	}
	necessary, err := h.svc.ConfirmDevice(ctx, userpool.ConfirmDeviceInput{
		AccessToken: in.AccessToken, DeviceKey: in.DeviceKey,
		PasswordVerifier: verifier, Salt: salt, DeviceName: uStr(in.DeviceName),
	})
	if err != nil {
		return nil, err
	}
	return &ConfirmDeviceOutput{UserConfirmationNecessary: necessary}, nil
}

func (h *Handler) getDevice(ctx context.Context, in *UserDeviceInput) (*GetDeviceOutput, error) {
	d, err := h.svc.GetDevice(ctx, in.AccessToken, in.DeviceKey)
	if err != nil {
		return nil, err
	}
	return &GetDeviceOutput{Device: toDeviceType(d)}, nil
}

func (h *Handler) listDevices(ctx context.Context, in *ListDevicesInput) (*ListDevicesOutput, error) {
	ds, next, err := h.svc.ListDevices(ctx, in.AccessToken, uLimit(in.Limit), uStr(in.PaginationToken))
	if err != nil {
		return nil, err
	}
	out := &ListDevicesOutput{Devices: make([]DeviceType, len(ds)), PaginationToken: next}
	for i, d := range ds {
		out.Devices[i] = toDeviceType(d)
	}
	return out, nil
}

func (h *Handler) forgetDevice(ctx context.Context, in *UserDeviceInput) (*struct{}, error) {
	return nil, h.svc.ForgetDevice(ctx, in.AccessToken, in.DeviceKey)
}

func (h *Handler) updateDeviceStatus(ctx context.Context, in *UpdateDeviceStatusInput) (*struct{}, error) {
	return nil, h.svc.UpdateDeviceStatus(ctx, in.AccessToken, in.DeviceKey, uStr(in.DeviceRememberedStatus))
}
