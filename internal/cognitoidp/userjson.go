package cognitoidp

import (
	"strconv"

	"userpool/internal/awsjson"
)

// The user and group shapes that lists and AdminGetUser return encode themselves
// (awsjson.Appender): reflection-based encoding was about a tenth of a
// ListUsers page's CPU. The bytes are exactly json.Marshal's
// (userjson_test.go compares them on generated values), so field order,
// omitempty and null for nil slices follow the struct tags.

func appendAttributes(b []byte, as []AttributeType) []byte {
	if as == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":`...)
		b = awsjson.AppendString(b, a.Name)
		b = append(b, `,"Value":`...)
		b = awsjson.AppendString(b, a.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendMFAOptions(b []byte, os []MFAOptionType) []byte {
	b = append(b, '[')
	for i, o := range os {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		sep := false
		if o.DeliveryMedium != nil {
			b = append(b, `"DeliveryMedium":`...)
			b = awsjson.AppendString(b, *o.DeliveryMedium)
			sep = true
		}
		if o.AttributeName != nil {
			if sep {
				b = append(b, ',')
			}
			b = append(b, `"AttributeName":`...)
			b = awsjson.AppendString(b, *o.AttributeName)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendUserFields appends the members UserType and AdminGetUserOutput
// share, in their order; attrs is "Attributes" or "UserAttributes".
func appendUserFields(b []byte, username, attrs string, as []AttributeType, created, modified *awsjson.Time, enabled bool, status string, mfa []MFAOptionType) []byte {
	b = append(b, `{"Username":`...)
	b = awsjson.AppendString(b, username)
	b = append(b, `,"`...)
	b = append(b, attrs...)
	b = append(b, `":`...)
	b = appendAttributes(b, as)
	if created != nil {
		b = append(b, `,"UserCreateDate":`...)
		b = created.AppendJSON(b)
	}
	if modified != nil {
		b = append(b, `,"UserLastModifiedDate":`...)
		b = modified.AppendJSON(b)
	}
	b = append(b, `,"Enabled":`...)
	b = awsjson.AppendBool(b, enabled)
	b = append(b, `,"UserStatus":`...)
	b = awsjson.AppendString(b, status)
	if len(mfa) > 0 {
		b = append(b, `,"MFAOptions":`...)
		b = appendMFAOptions(b, mfa)
	}
	return b
}

func (u *UserType) appendJSON(b []byte) []byte {
	b = appendUserFields(b, u.Username, "Attributes", u.Attributes, u.UserCreateDate, u.UserLastModifiedDate, u.Enabled, u.UserStatus, u.MFAOptions)
	return append(b, '}')
}

func appendUsers(b []byte, us []UserType) []byte {
	if us == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range us {
		if i > 0 {
			b = append(b, ',')
		}
		b = us[i].appendJSON(b)
	}
	return append(b, ']')
}

// appendUserPage appends {"Users":[...],"<tokenName>":"..."} (the token
// omitted when empty), the body of ListUsers and ListUsersInGroup.
func appendUserPage(b []byte, us []UserType, tokenName, token string) []byte {
	b = append(b, `{"Users":`...)
	b = appendUsers(b, us)
	if token != "" {
		b = append(b, `,"`...)
		b = append(b, tokenName...)
		b = append(b, `":`...)
		b = awsjson.AppendString(b, token)
	}
	return append(b, '}')
}

// AppendJSON implements awsjson.Appender.
func (o *ListUsersOutput) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	return appendUserPage(b, o.Users, "PaginationToken", o.PaginationToken)
}

// AppendJSON implements awsjson.Appender.
func (o *ListUsersInGroupOutput) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	return appendUserPage(b, o.Users, "NextToken", o.NextToken)
}

// AppendJSON implements awsjson.Appender.
func (o *AdminGetUserOutput) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	b = appendUserFields(b, o.Username, "UserAttributes", o.UserAttributes, o.UserCreateDate, o.UserLastModifiedDate, o.Enabled, o.UserStatus, o.MFAOptions)
	if o.PreferredMfaSetting != "" {
		b = append(b, `,"PreferredMfaSetting":`...)
		b = awsjson.AppendString(b, o.PreferredMfaSetting)
	}
	if len(o.UserMFASettingList) > 0 {
		b = append(b, `,"UserMFASettingList":[`...)
		for i, s := range o.UserMFASettingList {
			if i > 0 {
				b = append(b, ',')
			}
			b = awsjson.AppendString(b, s)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (g *GroupType) appendJSON(b []byte) []byte {
	b = append(b, `{"GroupName":`...)
	b = awsjson.AppendString(b, g.GroupName)
	b = append(b, `,"UserPoolId":`...)
	b = awsjson.AppendString(b, g.UserPoolId)
	if g.Description != "" {
		b = append(b, `,"Description":`...)
		b = awsjson.AppendString(b, g.Description)
	}
	if g.RoleArn != "" {
		b = append(b, `,"RoleArn":`...)
		b = awsjson.AppendString(b, g.RoleArn)
	}
	if g.Precedence != nil {
		b = append(b, `,"Precedence":`...)
		b = strconv.AppendInt(b, *g.Precedence, 10)
	}
	if g.LastModifiedDate != nil {
		b = append(b, `,"LastModifiedDate":`...)
		b = g.LastModifiedDate.AppendJSON(b)
	}
	if g.CreationDate != nil {
		b = append(b, `,"CreationDate":`...)
		b = g.CreationDate.AppendJSON(b)
	}
	return append(b, '}')
}

// AppendJSON implements awsjson.Appender (ListGroups and AdminListGroupsForUser).
func (o *ListGroupsOutput) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"Groups":`...)
	if o.Groups == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range o.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = o.Groups[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	if o.NextToken != "" {
		b = append(b, `,"NextToken":`...)
		b = awsjson.AppendString(b, o.NextToken)
	}
	return append(b, '}')
}
