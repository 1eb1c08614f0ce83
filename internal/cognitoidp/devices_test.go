package cognitoidp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"userpool/internal/store"
	"userpool/internal/userpool"
)

func TestE2EAdminDevices(t *testing.T) {
	t.Parallel()
	c, svc := ugEnv(t, userpool.Limits{})
	ctx := context.Background()
	pool := ugPool(t, c, nil)
	ugCreate(t, c, pool, "olga")
	u, err := svc.AdminGetUser(ctx, pool, "olga")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	var keys []string
	for i := 0; i < 5; i++ {
		k := fmt.Sprintf("us-east-1_%08d-0000-4000-8000-000000000000", i)
		keys = append(keys, k)
		if err := storeOf(svc).CreateDevice(ctx, store.Device{PoolID: pool, UsernameKey: u.UsernameKey(), Key: k, GroupKey: "-grp",
			Attributes: map[string]string{"device_name": fmt.Sprintf("phone %d", i)}, CreatedAt: at, UpdatedAt: at, LastAuthAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	p, un := aws.String(pool), aws.String("olga")

	got, err := c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[2])})
	if err != nil {
		t.Fatal(err)
	}
	d := got.Device
	if aws.ToString(d.DeviceKey) != keys[2] || ugAttrMap(d.DeviceAttributes)["device_name"] != "phone 2" ||
		!d.DeviceCreateDate.Equal(at) || !d.DeviceLastModifiedDate.Equal(at) || !d.DeviceLastAuthenticatedDate.Equal(at) {
		t.Fatalf("device = %+v", d)
	}

	var listed []string
	var token *string
	for {
		out, err := c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: p, Username: un, Limit: aws.Int32(2), PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.Devices {
			listed = append(listed, aws.ToString(d.DeviceKey))
		}
		if out.PaginationToken == nil {
			break
		}
		token = out.PaginationToken
	}
	if fmt.Sprint(listed) != fmt.Sprint(keys) {
		t.Fatalf("listed %v", listed)
	}

	if _, err := c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[1]),
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[1])})
	if ugAttrMap(got.Device.DeviceAttributes)["dev:device_remembered_status"] != "remembered" {
		t.Fatalf("attributes = %v", ugAttrMap(got.Device.DeviceAttributes))
	}
	_, err = c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[1]),
		DeviceRememberedStatus: "forever"})
	ugWantAPIErr[*types.InvalidParameterException](t, err,
		"1 validation error detected: Value 'forever' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]")

	if _, err := c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[0])}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[0])})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	_, err = c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[0])})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	_, err = c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: p, Username: un, DeviceKey: aws.String(keys[0])})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	_, err = c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: p, Username: aws.String("nobody"), DeviceKey: aws.String(keys[1])})
	ugWantAPIErr[*types.ResourceNotFoundException](t, err, "User does not exist.")
	_, err = c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: p, Username: un, DeviceKey: aws.String("bad key")})
	ugWantAPIErr[*types.InvalidParameterException](t, err,
		`1 validation error detected: Value 'bad key' at 'deviceKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-f-]+`)
	_, err = c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: p, Username: un, Limit: aws.Int32(61)})
	ugWantAPIErr[*types.InvalidParameterException](t, err,
		"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
}
