// Command populate bulk-loads users straight into a userpool SQLite data
// directory through the project's own store (internal/store/sqlite) and
// domain helpers (internal/userpool), for the 1,000,000-user scale figures in
// BENCHMARKS.md where populating through the API would take too long.
//
// It is a benchmark aid, not a product feature: stop the server first (one
// process per SQLite file), and note that every bulk user shares one
// temporary credential computed once (the argon2id hash is valid for any
// user; the SRP verifier only for the name "bulk"), so bulk users are for
// read/list/filter load only. Users that must sign in are created through
// the API by tools/loadtest, which gives each a real, permanent password.
//
// Records are built exactly as userpool.(*Service).AdminCreateUser builds
// them (username key, aliases, status FORCE_CHANGE_PASSWORD, email
// attributes), and each user joins group team-(i%10) as the load tool's
// populate does.
//
//	go run ./tools/populate --data DIR --pool-name loadtest-1m --from 10000 --to 1000000
package main
