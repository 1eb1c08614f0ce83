package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `%s: a self-hosted Amazon Cognito user pools server

Usage:
  userpool serve [--listen ADDR] [--data DIR] [--config FILE] [--store DSN] [--dev-accept-any-credentials]
  userpool principal create --name NAME --pool POOL --allow ACTION[,ACTION...] [--data DIR] [--config FILE] [--store DSN]
  userpool principal list [--json] [--data DIR] [--config FILE] [--store DSN]
  userpool principal delete NAME [--data DIR] [--config FILE] [--store DSN]
  userpool role create|list|delete ...   (identity-pool roles; see docs/identity.md)
  userpool env PRINCIPAL [--pool POOL] [--key AKID] [--endpoint URL] [--data DIR] [--config FILE] [--store DSN]
  userpool function list|invoke NAME [--event FILE] [--data DIR] [--config FILE] [--store DSN]
  userpool audit [--actor X] [--action Y] [--pool Z] [--outcome denied] [--since RFC3339] [--limit N] [--json] [--store DSN]
  userpool keys rotate|list --pool POOL [--data DIR] [--config FILE] [--store DSN]
  userpool migrate-store --to DST [--from SRC] [--force] [--workers N] [--data DIR] [--config FILE]
  userpool seed FILE [--data DIR] [--config FILE] [--store DSN]   (fixture users; see docs/testing.md)
  userpool outputs --pool POOL [--api NAME] [--client ID] [--url URL] [--out FILE]   (amplify_outputs.json; see docs/graphql.md)
  userpool version          (also: userpool --version)

DSN is "sqlite:PATH" or "postgres://user:password@host:port/db?sslmode=..."
(also store.dsn in the config file or USERPOOL_STORE; default: SQLite in the
data directory). Several servers may share one PostgreSQL database.

Run "userpool <command> -h" for the flags of a command.
`, versionInfo())
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return cmdServe(args[1:], stdout, stderr)
	case "principal":
		return cmdPrincipal(args[1:], stdout, stderr)
	case "role":
		return cmdRole(args[1:], stdout, stderr)
	case "env":
		return cmdEnv(args[1:], stdout, stderr)
	case "function":
		return cmdFunction(args[1:], stdout, stderr)
	case "audit":
		return cmdAudit(args[1:], stdout, stderr)
	case "keys":
		return cmdKeys(args[1:], stdout, stderr)
	case "migrate-store":
		return cmdMigrateStore(args[1:], stdout, stderr)
	case "seed":
		return cmdSeed(args[1:], stdout, stderr)
	case "outputs":
		return cmdOutputs(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionInfo())
		return 0
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "userpool: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}
