package cognitorules

import "slices"

// ExplicitAuthFlows values (ExplicitAuthFlowsType).
const (
	FlowAdminNoSRP                 = "ADMIN_NO_SRP_AUTH"     // legacy
	FlowCustomAuthFlowOnly         = "CUSTOM_AUTH_FLOW_ONLY" // legacy
	FlowUserPasswordLegacy         = "USER_PASSWORD_AUTH"    // legacy
	FlowAllowAdminUserPasswordAuth = "ALLOW_ADMIN_USER_PASSWORD_AUTH"
	FlowAllowCustomAuth            = "ALLOW_CUSTOM_AUTH"
	FlowAllowUserPasswordAuth      = "ALLOW_USER_PASSWORD_AUTH"
	FlowAllowUserSRPAuth           = "ALLOW_USER_SRP_AUTH"
	FlowAllowRefreshTokenAuth      = "ALLOW_REFRESH_TOKEN_AUTH"
	FlowAllowUserAuth              = "ALLOW_USER_AUTH"
)

// The two sets, in the model's order. A client's list may hold values of
// one set only.
var (
	legacyFlows = []string{FlowAdminNoSRP, FlowCustomAuthFlowOnly, FlowUserPasswordLegacy}
	allowFlows  = []string{
		FlowAllowAdminUserPasswordAuth, FlowAllowCustomAuth, FlowAllowUserPasswordAuth,
		FlowAllowUserSRPAuth, FlowAllowRefreshTokenAuth, FlowAllowUserAuth,
	}
)

// LegacyFlows lists the legacy values (a fresh slice).
func LegacyFlows() []string { return slices.Clone(legacyFlows) }

// AllowFlows lists the ALLOW_ values (a fresh slice).
func AllowFlows() []string { return slices.Clone(allowFlows) }

// IsLegacyFlow reports whether f is a legacy value.
func IsLegacyFlow(f string) bool { return slices.Contains(legacyFlows, f) }

// IsAllowFlow reports whether f is an ALLOW_ value.
func IsAllowFlow(f string) bool { return slices.Contains(allowFlows, f) }
