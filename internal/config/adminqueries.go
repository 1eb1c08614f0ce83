package config

import "userpool/internal/adminqueries"

// PoolConfig is the Admin Queries handler's configuration of the pool.
func (a *AdminQueries) PoolConfig() adminqueries.PoolConfig {
	return adminqueries.PoolConfig{
		Enabled:        a.Enabled,
		Groups:         a.Groups,
		DisabledRoutes: a.DisabledRoutes,
		AllowedOrigins: a.AllowedOrigins,
		Compat:         a.Compat,
		OmitMetadata:   a.OmitMetadata,
	}
}

// adminQueriesRoutes are the names disabled_routes may hold: the owner's
// routes (Amplify's, then userpool's extensions) and its filter switch.
func adminQueriesRoutes() []string {
	core, ext := adminqueries.Routes()
	return append(append(core, ext...), adminqueries.FilterParam)
}
