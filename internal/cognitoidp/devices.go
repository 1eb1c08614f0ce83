package cognitoidp

import (
	"context"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// DeviceType is a remembered device.
type DeviceType struct {
	DeviceKey                   string          `json:"DeviceKey"`
	DeviceAttributes            []AttributeType `json:"DeviceAttributes"`
	DeviceCreateDate            *awsjson.Time   `json:"DeviceCreateDate,omitempty"`
	DeviceLastModifiedDate      *awsjson.Time   `json:"DeviceLastModifiedDate,omitempty"`
	DeviceLastAuthenticatedDate *awsjson.Time   `json:"DeviceLastAuthenticatedDate,omitempty"`
}

func toDeviceType(d userpool.Device) DeviceType {
	return DeviceType{
		DeviceKey:                   d.Key,
		DeviceAttributes:            toAttributes(d.Attributes),
		DeviceCreateDate:            awsjson.NewTime(d.CreatedAt),
		DeviceLastModifiedDate:      awsjson.NewTime(d.UpdatedAt),
		DeviceLastAuthenticatedDate: awsjson.NewTime(d.LastAuthAt),
	}
}

// AdminDeviceInput names a device of a user (AdminGetDevice, AdminForgetDevice).
type AdminDeviceInput struct {
	DeviceKey  string `cg:"req,len=1:55,re=deviceKey"`
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	Username   string `cg:"req,len=1:128,re=username,sensitive"`
}

// AdminGetDeviceOutput is the output of AdminGetDevice.
type AdminGetDeviceOutput struct {
	Device DeviceType `json:"Device"`
}

// AdminListDevicesInput is the input of AdminListDevices.
type AdminListDevicesInput struct {
	UserPoolId      string  `cg:"req,len=1:55,re=poolId"`
	Username        string  `cg:"req,len=1:128,re=username,sensitive"`
	Limit           *int32  `cg:"range=0:60"`
	PaginationToken *string `cg:"len=1:,re=nonSpace"`
}

// AdminListDevicesOutput is the output of AdminListDevices.
type AdminListDevicesOutput struct {
	Devices         []DeviceType `json:"Devices"`
	PaginationToken string       `json:"PaginationToken,omitempty"`
}

// AdminUpdateDeviceStatusInput is the input of AdminUpdateDeviceStatus.
type AdminUpdateDeviceStatusInput struct {
	UserPoolId             string  `cg:"req,len=1:55,re=poolId"`
	Username               string  `cg:"req,len=1:128,re=username,sensitive"`
	DeviceKey              string  `cg:"req,len=1:55,re=deviceKey"`
	DeviceRememberedStatus *string `cg:"enum=remembered|not_remembered"`
}

func (h *Handler) adminGetDevice(ctx context.Context, in *AdminDeviceInput) (*AdminGetDeviceOutput, error) {
	d, err := h.svc.AdminGetDevice(ctx, in.UserPoolId, in.Username, in.DeviceKey)
	if err != nil {
		return nil, err
	}
	return &AdminGetDeviceOutput{Device: toDeviceType(d)}, nil
}

func (h *Handler) adminListDevices(ctx context.Context, in *AdminListDevicesInput) (*AdminListDevicesOutput, error) {
	ds, next, err := h.svc.AdminListDevices(ctx, in.UserPoolId, in.Username, uLimit(in.Limit), uStr(in.PaginationToken))
	if err != nil {
		return nil, err
	}
	out := &AdminListDevicesOutput{Devices: make([]DeviceType, len(ds)), PaginationToken: next}
	for i, d := range ds {
		out.Devices[i] = toDeviceType(d)
	}
	return out, nil
}

func (h *Handler) adminForgetDevice(ctx context.Context, in *AdminDeviceInput) (*struct{}, error) {
	return nil, h.svc.AdminForgetDevice(ctx, in.UserPoolId, in.Username, in.DeviceKey)
}

func (h *Handler) adminUpdateDeviceStatus(ctx context.Context, in *AdminUpdateDeviceStatusInput) (*struct{}, error) {
	return nil, h.svc.AdminUpdateDeviceStatus(ctx, in.UserPoolId, in.Username, in.DeviceKey, uStr(in.DeviceRememberedStatus))
}
