// Helpers for the client-library tests (amazon-cognito-identity-js, aws-amplify,
// aws-jwt-verify): users with known passwords, codes from the server log, the
// pool's JWKS, and a JWKS cache that fetches over plain HTTP.
//
//   import { createUser, loggedCode, fetchJwks, httpJwksCache } from "../lib/clients.mjs";
//
// They take a server from startServer() (lib/userpool.mjs) and an SDK client
// signed as root.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";

/**
 * Creates a user (no invitation sent) and, when password is given, sets it
 * as permanent so the user is CONFIRMED; with temporaryPassword instead the
 * user is FORCE_CHANGE_PASSWORD. groups are added with AdminAddUserToGroup.
 */
export async function createUser(root, poolId, { username, password, temporaryPassword, attributes = {}, groups = [] }) {
  await root.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      TemporaryPassword: temporaryPassword,
      MessageAction: "SUPPRESS",
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  if (password) {
    await root.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
  }
  for (const GroupName of groups) {
    await root.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName }));
  }
}

/**
 * The newest code the default log sender delivered to username for purpose
 * ("signup", "forgot_password", ...), read from the server's log. The line is
 * written before the API call answers, but reaches us through a pipe, so this
 * waits for it (up to 10 s).
 */
export async function loggedCode(server, { poolId, username, purpose }) {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`pool=${esc(poolId)} username=${esc(username)} .*purpose=${esc(purpose)} code=(\\S+)`, "g");
  for (let i = 0; i < 200; i++) {
    const all = [...server.logs().matchAll(re)];
    if (all.length > 0) return all[all.length - 1][1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${purpose} code for ${username} in the server log`);
}

/** The JWKS document the server publishes for a pool. */
export async function fetchJwks(server, poolId) {
  const res = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`);
  if (res.status !== 200) throw new Error(`JWKS: HTTP ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * An aws-jwt-verify JWKS cache whose fetcher uses Node's fetch, so the JWKS
 * can be read over plain HTTP from a local server (the library's default
 * fetcher speaks HTTPS only). Records the URIs it fetched.
 */
export function httpJwksCache() {
  const fetched = [];
  const cache = new SimpleJwksCache({
    fetcher: {
      async fetch(uri) {
        fetched.push(uri);
        const res = await fetch(uri);
        if (res.status !== 200) throw new Error(`JWKS ${uri}: HTTP ${res.status}`);
        return res.arrayBuffer();
      },
    },
  });
  return { cache, fetched };
}

/** Decodes a JWT's payload without verifying it. */
export function jwtPayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
}

/** Calls fn(callbacks) for amazon-cognito-identity-js' callback APIs; resolves with the callback's name and arguments. */
export function callbacks(fn, names = ["onSuccess", "onFailure"]) {
  return new Promise((resolve) => {
    const cbs = {};
    for (const name of names) cbs[name] = (...args) => resolve({ name, args });
    fn(cbs);
  });
}
