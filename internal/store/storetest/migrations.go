package storetest

// AuditSpellingRow is an audit row as stored before migration 2 (Before)
// and its outcome after it (After).
type AuditSpellingRow struct{ Action, Before, After string }

// AuditSpellingRows are the rows each backend's migration test writes at
// schema version 1: Admin Queries' "error: <Kind>" loses its space, nothing
// else changes (and migrating down restores them).
var AuditSpellingRows = []AuditSpellingRow{
	{"adminqueries:addUserToGroup", "error: UserNotFoundException", "error:UserNotFoundException"},
	{"adminqueries:disableUser", "error: InvalidParameterException", "error:InvalidParameterException"},
	{"adminqueries:enableUser", "denied", "denied"},
	{"adminqueries:enableUser", "allowed", "allowed"},
	{"cognito-idp:AdminGetUser", "error:UserNotFoundException", "error:UserNotFoundException"},
	{"cognito-idp:CreateGroup", "allowed", "allowed"},
}
