// Shared helpers for JavaScript end-to-end tests: build and start the real
// userpool binary, talk to it as root, create principals with the CLI, and
// run Amplify function handlers in a child process.
//
//   import { startServer } from "../lib/userpool.mjs";
//   const srv = await startServer();            // t.after(() => srv.stop())
//   const root = srv.rootClient();              // CognitoIdentityProviderClient
//   const env = await srv.createPrincipal({ name: "fn", pool: "app", allow: ["addUserToGroup"] });
//   const out = await runFunction(handlerPath, event, env);
//
// USERPOOL_BIN may name a prebuilt binary; otherwise it is built with
// `go build` (once per test process) from the repository.
import { spawn, execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";

const execFileP = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
export const fixtures = resolve(here, "../fixtures");

let binaryPromise;

/** Path of the userpool binary (USERPOOL_BIN, or built with go build). */
export function userpoolBinary() {
  if (process.env.USERPOOL_BIN) return Promise.resolve(process.env.USERPOOL_BIN);
  binaryPromise ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "userpool-js-bin-"));
    const bin = join(dir, "userpool");
    await execFileP("go", ["build", "-o", bin, "./cmd/userpool"], { cwd: repoRoot, maxBuffer: 16 << 20 });
    return bin;
  })();
  return binaryPromise;
}

/** Runs the userpool CLI; resolves to { stdout, stderr, code }. */
export async function userpoolCLI(args, { env } = {}) {
  const bin = await userpoolBinary();
  return new Promise((done) => {
    execFile(bin, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      done({ stdout, stderr, code: err ? (err.code ?? 1) : 0 });
    });
  });
}

/** Parses the NAME='value' lines `userpool env` prints. */
export function parseEnv(text) {
  const env = {};
  for (const line of text.split("\n")) {
    const m = /^(?:export )?([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replaceAll("'\\''", "'");
  }
  return env;
}

const fastConfig = "password:\n  insecure_fast_hashing: true\n";

/**
 * Starts `userpool serve` on a free loopback port with a fresh data
 * directory. config is YAML (default: fast password hashing). Resolves once
 * it listens.
 */
export async function startServer({ config = fastConfig, args = [] } = {}) {
  const bin = await userpoolBinary();
  const dir = await mkdtemp(join(tmpdir(), "userpool-js-"));
  const data = join(dir, "data");
  const configPath = join(dir, "userpool.yaml");
  await writeFile(configPath, config, { mode: 0o600 });
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--data", data, "--config", configPath, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let logs = "";
  const exited = new Promise((done) => child.on("exit", (code) => done(code)));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("userpool did not start:\n" + logs)), 60_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      logs += chunk;
      const m = /msg="userpool listening" addr=(\S+)/.exec(logs);
      if (m) {
        clearTimeout(timer);
        ok("http://" + m[1]);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`userpool exited (${code}) before listening:\n${logs}`));
    });
  });

  const common = ["--data", data, "--config", configPath];
  const server = {
    url,
    data,
    configPath,
    logs: () => logs,
    /** Stops the server (SIGTERM) and removes its files. */
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
    /** Root credentials from <data>/credentials (written on first start). */
    async rootCredentials() {
      const text = await readFile(join(data, "credentials"), "utf8");
      const get = (k) => new RegExp(`^${k}\\s*=\\s*(\\S+)`, "m").exec(text)?.[1];
      return { accessKeyId: get("aws_access_key_id"), secretAccessKey: get("aws_secret_access_key") };
    },
    /** A JS SDK v3 client signed as root. */
    async rootClient() {
      return new CognitoIdentityProviderClient({
        region: "us-east-1",
        endpoint: url,
        credentials: await server.rootCredentials(),
        maxAttempts: 1,
      });
    },
    /** Runs a userpool CLI command against this server's data and config. */
    cli: (args) => userpoolCLI([...args, ...common]),
    /**
     * `userpool principal create`: returns the environment it prints
     * (AWS_ACCESS_KEY_ID, ..., AMPLIFY_AUTH_USERPOOL_ID).
     */
    async createPrincipal({ name, pool, allow }) {
      const r = await userpoolCLI(["principal", "create", "--name", name, "--pool", pool, "--allow", allow.join(","), "--endpoint", url, ...common]);
      if (r.code !== 0) throw new Error(`principal create failed (${r.code}): ${r.stderr}`);
      return parseEnv(r.stdout);
    },
  };
  return server;
}

/**
 * Runs an Amplify function handler (TypeScript, unmodified) in a child Node
 * process whose environment is exactly env plus PATH and a scratch HOME.
 * Resolves to { ok, result } or { ok: false, name, message }.
 */
export async function runFunction(handlerPath, event, env) {
  const home = await mkdtemp(join(tmpdir(), "userpool-fn-home-"));
  try {
    const args = ["--import", join(here, "register-amplify.mjs"), join(here, "run-function.mjs"), handlerPath, JSON.stringify(event)];
    const { stdout } = await new Promise((done) => {
      execFile(process.execPath, args, { env: { ...env, PATH: process.env.PATH, HOME: home } }, (err, stdout, stderr) => {
        done({ stdout, stderr, err });
      });
    });
    const line = stdout.trim().split("\n").pop();
    try {
      return JSON.parse(line);
    } catch {
      throw new Error("function printed no result: " + stdout);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
