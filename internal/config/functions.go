package config

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"userpool/internal/cognitorules"
	"userpool/internal/function"
	"userpool/internal/iam"
)

// Function runtimes.
const (
	RuntimeNode    = "node"
	RuntimeLambda  = "lambda"
	RuntimeWebhook = "webhook"
)

// Function is a declared server-side function (Amplify's defineFunction):
// how userpool runs it and what it may do. Triggers name it by name or by a
// Lambda ARN ending in :function:<name> (docs/functions.md).
type Function struct {
	// Name is 1-64 letters, digits, '-' or '_' (Lambda's rule).
	Name string `yaml:"name"`
	// Runtime is node (userpool runs the handler module in Node.js
	// workers), lambda (an AWS Lambda Invoke API endpoint) or webhook (an
	// HMAC-signed HTTP POST).
	Runtime string `yaml:"runtime"`
	// Handler (node) is the handler module file, relative to the working
	// directory: ESM (.mjs, or .js under "type": "module") or CommonJS.
	Handler string `yaml:"handler"`
	// Export (node) is the handler's export name (default handler).
	Export string `yaml:"export"`
	// Workers (node) is the most calls run at once, each in a warm node
	// process of its own (default 2).
	Workers int `yaml:"workers"`
	// Endpoint (lambda) is the Invoke API's base URL, e.g.
	// http://127.0.0.1:3001 for `sam local start-lambda`.
	Endpoint string `yaml:"endpoint"`
	// FunctionName (lambda) is the name the endpoint knows (default name);
	// Qualifier a version or alias.
	FunctionName string `yaml:"function_name"`
	Qualifier    string `yaml:"qualifier"`
	// Region (lambda) signs the calls (default server.region).
	Region string `yaml:"region"`
	// AccessKeyID and SecretAccessKeyEnv (lambda) sign the calls: the key
	// id, and the environment variable holding its secret (default: the key
	// "test"/"test" that local emulators accept).
	AccessKeyID        string `yaml:"access_key_id"`
	SecretAccessKeyEnv string `yaml:"secret_access_key_env"`
	// URL (webhook) receives the POST of each event.
	URL string `yaml:"url"`
	// SecretEnv or SecretFile (webhook) holds the HMAC key (at least 16
	// bytes) of X-Userpool-Signature: the name of an environment variable,
	// or a file. Never written in this file, never logged.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
	// Timeout per call (default 5s, Cognito's trigger timeout; at most 15m).
	Timeout time.Duration `yaml:"timeout"`
	// Env (node) is added to the function's environment, after the
	// credentials of its principal.
	Env map[string]string `yaml:"env"`
	// Grants are what the function's own access key may do, as a
	// principal's (pools and Amplify action names or cognito-idp:<Op>).
	// Its principal has the function's name and gets these grants at every
	// start; a node function's process receives the key (the variables
	// `userpool env` prints).
	Grants []Grant `yaml:"grants"`
}

// FunctionsRuntime locates the programs the runtimes need.
type FunctionsRuntime struct {
	// Node is the node executable (default: node on PATH).
	Node string `yaml:"node"`
}

func (c *Config) validateFunctions(p *Problems) {
	pools := map[string]bool{}
	for _, pool := range c.Pools {
		pools[pool.Name], pools[pool.ID] = true, true
	}
	principals := map[string]bool{}
	for _, pr := range c.Principals {
		principals[pr.Name] = true
	}
	seen := map[string]int{}
	for i, f := range c.Functions {
		path := fmt.Sprintf("functions[%d]", i)
		if !function.ValidName(f.Name) {
			p.add(path+".name", "%q must be 1-64 letters, digits, '-' or '_'", f.Name)
		} else if j, dup := seen[f.Name]; dup {
			p.add(path+".name", "duplicate function %q (also functions[%d])", f.Name, j)
		} else {
			seen[f.Name] = i
		}
		switch f.Runtime {
		case RuntimeNode:
			if f.Handler == "" {
				p.add(path+".handler", "a node function needs its handler module file")
			}
			if f.Workers < 0 || f.Workers > 64 {
				p.add(path+".workers", "%d is not between 1 and 64", f.Workers)
			}
		case RuntimeLambda:
			if !httpURL(f.Endpoint) {
				p.add(path+".endpoint", "%q is not an http(s) URL of a Lambda Invoke API", f.Endpoint)
			}
			if f.FunctionName != "" && !function.ValidName(f.FunctionName) {
				p.add(path+".function_name", "%q must be 1-64 letters, digits, '-' or '_'", f.FunctionName)
			}
			if f.Region != "" && !cognitorules.ValidRegion(f.Region) {
				p.add(path+".region", "%q is not a region name like us-east-1", f.Region)
			}
			if (f.AccessKeyID == "") != (f.SecretAccessKeyEnv == "") {
				p.add(path, "access_key_id and secret_access_key_env go together")
			}
		case RuntimeWebhook:
			if !httpURL(f.URL) {
				p.add(path+".url", "%q is not an http(s) URL", f.URL)
			}
			if (f.SecretEnv == "") == (f.SecretFile == "") {
				p.add(path, "a webhook needs exactly one of secret_env and secret_file")
			}
		default:
			p.add(path+".runtime", "%q is not one of node, lambda, webhook", f.Runtime)
		}
		if f.Timeout < 0 || f.Timeout > 15*time.Minute {
			p.add(path+".timeout", "%s is not between 0 (default 5s) and 15m", f.Timeout)
		}
		if len(f.Grants) > 0 && principals[f.Name] {
			p.add(path+".grants", "principal %q is declared too: give the grants in one place", f.Name)
		}
		for k, g := range f.Grants {
			gp := fmt.Sprintf("%s.grants[%d]", path, k)
			switch {
			case g.Pool == "":
				p.add(gp+".pool", "must be a pool name, a pool id or \"*\"")
			case g.Pool == "*" || pools[g.Pool] || cognitorules.ValidPoolID(g.Pool):
			default:
				p.add(gp+".pool", "%q is not a declared pool (name or id), a pool id or \"*\"", g.Pool)
			}
			if len(g.Actions) == 0 {
				p.add(gp+".actions", "at least one action must be specified")
			}
			for a, action := range g.Actions {
				if err := iam.ValidateActions([]string{action}); err != nil {
					reason := err.Error()
					var ae *iam.ActionError
					if errors.As(err, &ae) {
						reason = ae.Reason
					}
					p.add(fmt.Sprintf("%s.actions[%d]", gp, a), "%s", reason)
				}
			}
		}
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
