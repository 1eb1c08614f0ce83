// aws-amplify v6 keeps a session alive past its first access token: it
// refreshes only through GetTokensFromRefreshToken (aws-amplify >= 6.15).
//
// The server runs in development mode, whose clock POST /_userpool/clock
// (the test API, signed) moves forward; this process's clock (Date, which Amplify reads to judge
// expiry and clock drift) is moved by the same amount. Nothing sleeps. The
// app clients issue 5-minute access and ID tokens (the minimum).
//
//   - fetchAuthSession({forceRefresh: true}) returns new tokens of the same
//     session (origin_jti, auth_time);
//   - after the access token has expired, fetchAuthSession() refreshes once
//     and the session works (GetUser) while the old access token is expired;
//   - with refresh-token rotation on the app client, every refresh stores a
//     new refresh token, the replaced one is refused
//     (RefreshTokenReuseException), and the session still survives expiry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { startServer } from "../lib/userpool.mjs";
import { createUser } from "../lib/clients.mjs";

// ---------------------------------------------------------------- clocks

const RealDate = Date;
let skewMs = 0;
// Date with this process's clock moved forward by skewMs (new Date() and Date.now()).
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skewMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + skewMs;
  }
}

// The test API wants a SigV4 signature of a root-granted key; development
// mode accepts any well-formed one, as it does for the Cognito operations.
const devSignature =
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

/** Moves the server's clock and this process's clock forward by seconds. */
async function advance(seconds) {
  const res = await fetch(`${srv.url}/_userpool/clock`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: devSignature },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  assert.equal(res.status, 200, await res.text());
  skewMs += seconds * 1000;
}

// ---------------------------------------------------------------- setup

let srv, sdk, poolId;
const username = "rhea";
const password = "Rhea-Passw0rd!";

const storage = new Map();
const keyValueStorage = {
  async setItem(k, v) {
    storage.set(k, v);
  },
  async getItem(k) {
    return storage.get(k) ?? null;
  },
  async removeItem(k) {
    storage.delete(k);
  },
  async clear() {
    storage.clear();
  },
};
const storedRefreshToken = () => [...storage].find(([k]) => k.endsWith(".refreshToken"))?.[1];
const refreshCalls = () => (srv.logs().match(/status=200 [^\n]*operation=GetTokensFromRefreshToken/g) ?? []).length;

before(async () => {
  srv = await startServer({ args: ["--dev-accept-any-credentials"] });
  // Development mode accepts any signature.
  sdk = new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: srv.url,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dev" },
    maxAttempts: 1,
  });
  poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: "amplify-refresh" }))).UserPool.Id;
  await createUser(sdk, poolId, { username, password });
  globalThis.Date = SkewedDate;
});

after(async () => {
  globalThis.Date = RealDate;
  sdk?.destroy();
  await srv?.stop();
});

async function appClient(extra) {
  const out = await sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "amplify-web",
      AccessTokenValidity: 5,
      IdTokenValidity: 5,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes" },
      ...extra,
    }),
  );
  return out.UserPoolClient.ClientId;
}

async function signInThrough(clientId) {
  Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: srv.url } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage);
  const out = await signIn({ username, password });
  assert.equal(out.isSignedIn, true);
  return fetchAuthSession();
}

// ---------------------------------------------------------------- tests

test("the development clock is refused outside development mode", async () => {
  const plain = await startServer();
  try {
    const res = await fetch(`${plain.url}/_userpool/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: 60 }) });
    assert.equal(res.status, 403);
  } finally {
    await plain.stop();
  }
});

test("fetchAuthSession({forceRefresh: true}) refreshes through GetTokensFromRefreshToken", async () => {
  const clientId = await appClient({ ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
  const first = await signInThrough(clientId);
  const refreshToken = storedRefreshToken();
  assert.ok(refreshToken, "refresh token stored");
  const calls = refreshCalls();

  await advance(2);
  const again = await fetchAuthSession({ forceRefresh: true });
  assert.equal(refreshCalls(), calls + 1, "one GetTokensFromRefreshToken");
  const [a, b] = [first.tokens.accessToken, again.tokens.accessToken];
  assert.notEqual(b.toString(), a.toString());
  assert.ok(b.payload.iat > a.payload.iat);
  assert.equal(b.payload.origin_jti, a.payload.origin_jti, "same session");
  assert.equal(again.tokens.idToken.payload.auth_time, first.tokens.idToken.payload.auth_time);
  assert.equal(storedRefreshToken(), refreshToken, "no rotation: the refresh token is kept");

  // The access token expires (5 minutes); the session goes on.
  await advance(6 * 60);
  await assert.rejects(sdk.send(new GetUserCommand({ AccessToken: b.toString() })), {
    name: "NotAuthorizedException",
    message: "Access Token has expired",
  });
  const later = await fetchAuthSession();
  assert.equal(refreshCalls(), calls + 2, "the expired session was refreshed");
  const c = later.tokens.accessToken;
  assert.ok(c.payload.exp * 1000 > Date.now(), "a live access token");
  assert.equal(c.payload.origin_jti, a.payload.origin_jti);
  const me = await sdk.send(new GetUserCommand({ AccessToken: c.toString() }));
  assert.equal(me.Username, username);
  // Fresh tokens are not refreshed again.
  await fetchAuthSession();
  assert.equal(refreshCalls(), calls + 2);

  await signOut();
});

test("with refresh-token rotation every refresh stores a new refresh token and the session survives expiry", async () => {
  const clientId = await appClient({
    ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"],
    RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 },
  });
  const first = await signInThrough(clientId);
  const rt1 = storedRefreshToken();
  assert.ok(rt1);

  await advance(2);
  const second = await fetchAuthSession({ forceRefresh: true });
  const rt2 = storedRefreshToken();
  assert.ok(rt2 && rt2 !== rt1, "a rotated refresh token is stored");
  assert.equal(second.tokens.accessToken.payload.origin_jti, first.tokens.accessToken.payload.origin_jti);
  await assert.rejects(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: rt1 })), {
    name: "RefreshTokenReuseException",
  });

  for (let i = 0; i < 3; i++) {
    const before = storedRefreshToken();
    await advance(6 * 60);
    const s = await fetchAuthSession();
    assert.ok(s.tokens.accessToken.payload.exp * 1000 > Date.now(), `round ${i}: a live access token`);
    assert.notEqual(storedRefreshToken(), before, `round ${i}: rotated`);
    const me = await sdk.send(new GetUserCommand({ AccessToken: s.tokens.accessToken.toString() }));
    assert.equal(me.Username, username);
  }

  // Sign-out revokes the whole family.
  const last = storedRefreshToken();
  await signOut();
  await assert.rejects(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: last })), {
    name: "NotAuthorizedException",
    message: "Refresh Token has been revoked",
  });
});
