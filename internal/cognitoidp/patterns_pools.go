package cognitoidp

// Patterns of the pool and app-client shapes (botocore cognito-idp model),
// displayed in messages exactly as the model spells them.
func init() {
	addPattern("smsMessage", `.*\{####\}.*`)
	addPattern("emailMessage", `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`)
	addPattern("emailMessageByLink", `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`)
	addPattern("emailSubject", `[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`)
	addPattern("emailInvite", `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`)
	addPattern("smsInvite", `(?s).*`)
	addPattern("sesConfigurationSet", `^[a-zA-Z0-9_-]+$`)
	addPattern("providerName", `[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+`)
}
