package adminqueries

import (
	"time"

	"userpool/internal/userpool"
)

// Response shapes. The read routes return what the template returns: the
// AWS SDK for JavaScript v3 output object (members in the SDK's alphabetical
// order, absent members omitted) with its $metadata, dates serialised by
// JSON.stringify (Date.toISOString: UTC, always three fractional digits).

// jsDate is a Date as JSON.stringify renders it.
type jsDate time.Time

func (d jsDate) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

func newDate(t time.Time) *jsDate {
	if t.IsZero() {
		return nil
	}
	d := jsDate(t)
	return &d
}

// metadata is the SDK v3 $metadata of a successful call (extendedRequestId
// and cfId are undefined for Cognito, hence absent).
type metadata struct {
	HTTPStatusCode  int    `json:"httpStatusCode"`
	RequestID       string `json:"requestId"`
	Attempts        int    `json:"attempts"`
	TotalRetryDelay int    `json:"totalRetryDelay"`
}

type attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

func toAttributes(in []userpool.Attribute) []attribute {
	out := make([]attribute, len(in))
	for i, a := range in {
		out[i] = attribute{Name: a.Name, Value: a.Value}
	}
	return out
}

type mfaOption struct {
	AttributeName  string `json:"AttributeName,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
}

func mfaOptions(u userpool.User) []mfaOption {
	var opts []mfaOption
	for _, o := range u.MFA.Options {
		opts = append(opts, mfaOption{AttributeName: o.AttributeName, DeliveryMedium: o.DeliveryMedium})
	}
	return opts
}

// userType is UserType (ListUsers, ListUsersInGroup, AdminCreateUser).
type userType struct {
	Attributes           []attribute `json:"Attributes"`
	Enabled              bool        `json:"Enabled"`
	MFAOptions           []mfaOption `json:"MFAOptions,omitempty"`
	UserCreateDate       *jsDate     `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *jsDate     `json:"UserLastModifiedDate,omitempty"`
	UserStatus           string      `json:"UserStatus"`
	Username             string      `json:"Username"`
}

func toUserType(u userpool.User) userType {
	return userType{
		Attributes:           toAttributes(u.Attributes(nil)),
		Enabled:              u.Enabled,
		MFAOptions:           mfaOptions(u),
		UserCreateDate:       newDate(u.CreatedAt),
		UserLastModifiedDate: newDate(u.UpdatedAt),
		UserStatus:           u.Status,
		Username:             u.Username,
	}
}

func toUserTypes(us []userpool.User) []userType {
	out := make([]userType, len(us))
	for i, u := range us {
		out[i] = toUserType(u)
	}
	return out
}

// getUserOutput is AdminGetUserCommand's output.
type getUserOutput struct {
	Metadata             *metadata   `json:"$metadata,omitempty"`
	Enabled              bool        `json:"Enabled"`
	MFAOptions           []mfaOption `json:"MFAOptions,omitempty"`
	PreferredMfaSetting  string      `json:"PreferredMfaSetting,omitempty"`
	UserAttributes       []attribute `json:"UserAttributes"`
	UserCreateDate       *jsDate     `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *jsDate     `json:"UserLastModifiedDate,omitempty"`
	UserMFASettingList   []string    `json:"UserMFASettingList,omitempty"`
	UserStatus           string      `json:"UserStatus"`
	Username             string      `json:"Username"`
}

func toGetUserOutput(md *metadata, u userpool.User) getUserOutput {
	return getUserOutput{
		Metadata:             md,
		Enabled:              u.Enabled,
		MFAOptions:           mfaOptions(u),
		PreferredMfaSetting:  u.MFA.Preferred,
		UserAttributes:       toAttributes(u.Attributes(nil)),
		UserCreateDate:       newDate(u.CreatedAt),
		UserLastModifiedDate: newDate(u.UpdatedAt),
		UserMFASettingList:   u.MFA.Enabled,
		UserStatus:           u.Status,
		Username:             u.Username,
	}
}

// usersOutput is ListUsers (PaginationToken renamed NextToken, as the
// template does) and ListUsersInGroup.
type usersOutput struct {
	Metadata  *metadata  `json:"$metadata,omitempty"`
	Users     []userType `json:"Users"`
	NextToken string     `json:"NextToken,omitempty"`
}

// groupType is GroupType.
type groupType struct {
	CreationDate     *jsDate `json:"CreationDate,omitempty"`
	Description      string  `json:"Description,omitempty"`
	GroupName        string  `json:"GroupName"`
	LastModifiedDate *jsDate `json:"LastModifiedDate,omitempty"`
	Precedence       *int64  `json:"Precedence,omitempty"`
	RoleArn          string  `json:"RoleArn,omitempty"`
	UserPoolId       string  `json:"UserPoolId"`
}

func toGroupType(g userpool.Group) groupType {
	return groupType{
		CreationDate:     newDate(g.CreatedAt),
		Description:      g.Description,
		GroupName:        g.Name,
		LastModifiedDate: newDate(g.UpdatedAt),
		Precedence:       g.Precedence,
		RoleArn:          g.RoleArn,
		UserPoolId:       g.PoolID,
	}
}

// groupsOutput is ListGroups (unfiltered groups).
type groupsOutput struct {
	Metadata  *metadata   `json:"$metadata,omitempty"`
	Groups    []groupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

// userGroup is a group as listGroupsForUser returns it: the template
// deletes UserPoolId, LastModifiedDate, CreationDate, Precedence and RoleArn.
type userGroup struct {
	Description string `json:"Description,omitempty"`
	GroupName   string `json:"GroupName"`
}

type userGroupsOutput struct {
	Metadata  *metadata   `json:"$metadata,omitempty"`
	Groups    []userGroup `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

// getGroupOutput is GetGroupCommand's output (extension).
type getGroupOutput struct {
	Metadata *metadata `json:"$metadata,omitempty"`
	Group    groupType `json:"Group"`
}

// deviceType is DeviceType (extension listDevices).
type deviceType struct {
	DeviceAttributes            []attribute `json:"DeviceAttributes"`
	DeviceCreateDate            *jsDate     `json:"DeviceCreateDate,omitempty"`
	DeviceKey                   string      `json:"DeviceKey"`
	DeviceLastAuthenticatedDate *jsDate     `json:"DeviceLastAuthenticatedDate,omitempty"`
	DeviceLastModifiedDate      *jsDate     `json:"DeviceLastModifiedDate,omitempty"`
}

func toDeviceType(d userpool.Device) deviceType {
	return deviceType{
		DeviceAttributes:            toAttributes(d.Attributes),
		DeviceCreateDate:            newDate(d.CreatedAt),
		DeviceKey:                   d.Key,
		DeviceLastAuthenticatedDate: newDate(d.LastAuthAt),
		DeviceLastModifiedDate:      newDate(d.UpdatedAt),
	}
}

// devicesOutput is AdminListDevices with PaginationToken renamed NextToken.
type devicesOutput struct {
	Metadata  *metadata    `json:"$metadata,omitempty"`
	Devices   []deviceType `json:"Devices"`
	NextToken string       `json:"NextToken,omitempty"`
}

// message is the body of the state-changing routes.
type message struct {
	Message string `json:"message"`
}

// createdUser is createUser's answer (extension): the message and the user.
type createdUser struct {
	Message string   `json:"message"`
	User    userType `json:"User"`
}

// savedGroup is createGroup's and updateGroup's answer (extension).
type savedGroup struct {
	Message string    `json:"message"`
	Group   groupType `json:"Group"`
}
