// aws-amplify v6 (Auth category, running in Node with its in-memory storage)
// against userpool: signUp → confirmSignUp with the code the server's log
// sender printed → signIn (SRP, Amplify's default flow) → fetchAuthSession →
// signOut (RevokeToken). The user is in two groups with precedences (added
// with the AWS SDK v3 as root); both must appear, in precedence order, in
// cognito:groups of the ID and access tokens, which aws-jwt-verify verifies
// against the server's JWKS. This server uses the default issuer form
// `<public url>/<poolId>`, so the verifier is the generic JwtVerifier with
// that issuer and jwksUri, and a JWKS cache whose fetcher speaks plain HTTP
// (the library's default fetcher is HTTPS-only); token_use and client_id are
// checked with customJwtCheck. (CognitoJwtVerifier, whose issuer is always
// AWS's, is exercised in identity-js-srp.test.mjs with `tokens: {issuer: aws}`.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AdminAddUserToGroupCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import { confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { JwtVerifier } from "aws-jwt-verify";
import { startServer } from "../lib/userpool.mjs";
import { httpJwksCache, loggedCode } from "../lib/clients.mjs";

let srv, root, poolId, clientId;

// Amplify's token store, kept here so the test can read the refresh token
// (fetchAuthSession does not expose it) and see that signOut clears it.
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

before(async () => {
  srv = await startServer();
  root = await srv.rootClient();
  const pool = await root.send(
    new CreateUserPoolCommand({ PoolName: "amplify-groups", AutoVerifiedAttributes: ["email"], UsernameAttributes: ["email"] }),
  );
  poolId = pool.UserPool.Id;
  const client = await root.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "amplify-web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  clientId = client.UserPoolClient.ClientId;
  // Names in the opposite order of their precedences: the claim must follow precedence.
  await root.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "alpha-readers", Precedence: 20 }));
  await root.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "zeta-editors", Precedence: 3 }));

  Amplify.configure({
    Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: srv.url } },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage);
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

const email = "grace@example.com";
const password = "Grace-Passw0rd!";

test("signUp, then confirmSignUp with the emailed code", async () => {
  const up = await signUp({ username: email, password, options: { userAttributes: { email, name: "Grace" } } });
  assert.equal(up.isSignUpComplete, false);
  assert.equal(up.nextStep.signUpStep, "CONFIRM_SIGN_UP");
  assert.equal(up.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  assert.equal(up.nextStep.codeDeliveryDetails.attributeName, "email");
  assert.equal(up.nextStep.codeDeliveryDetails.destination, "g***@e***");
  assert.match(up.userId, /^[0-9a-f-]{36}$/);

  // With username_attributes [email] the user's name is its sub.
  const code = await loggedCode(srv, { poolId, username: up.userId, purpose: "signup" });
  assert.match(code, /^\d{6}$/);
  await assert.rejects(confirmSignUp({ username: email, confirmationCode: code === "000000" ? "111111" : "000000" }), { name: "CodeMismatchException" });
  const confirmed = await confirmSignUp({ username: email, confirmationCode: code });
  assert.equal(confirmed.isSignUpComplete, true);
  assert.equal(confirmed.nextStep.signUpStep, "DONE");

  for (const GroupName of ["alpha-readers", "zeta-editors"]) {
    await root.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName }));
  }
});

let session;

test("signIn (SRP) and fetchAuthSession: both groups, in precedence order, in verified ID and access tokens", async () => {
  const out = await signIn({ username: email, password });
  assert.deepEqual(out, { isSignedIn: true, nextStep: { signInStep: "DONE" } });
  assert.match(srv.logs(), /status=200 [^\n]*operation=RespondToAuthChallenge/, "SRP's PASSWORD_VERIFIER answered");

  const current = await getCurrentUser();
  assert.equal(current.signInDetails.authFlowType, "USER_SRP_AUTH");
  assert.equal(current.signInDetails.loginId, email);

  session = await fetchAuthSession();
  const { idToken, accessToken } = session.tokens;
  assert.equal(current.userId, idToken.payload.sub);
  assert.equal(current.username, idToken.payload["cognito:username"]);
  assert.deepEqual(idToken.payload["cognito:groups"], ["zeta-editors", "alpha-readers"]);
  assert.deepEqual(accessToken.payload["cognito:groups"], ["zeta-editors", "alpha-readers"]);

  const issuer = `${srv.url}/${poolId}`;
  const jwks = httpJwksCache();
  const verifier = JwtVerifier.create(
    [
      {
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        audience: null, // ID tokens: aud = client id; access tokens: client_id, no aud
        customJwtCheck: ({ payload }) => {
          const client = payload.token_use === "id" ? payload.aud : payload.client_id;
          if (client !== clientId) throw new Error(`token for client ${client}`);
        },
      },
    ],
    { jwksCache: jwks.cache },
  );
  const id = await verifier.verify(idToken.toString());
  const access = await verifier.verify(accessToken.toString());
  assert.deepEqual(jwks.fetched, [`${issuer}/.well-known/jwks.json`]);
  assert.equal(id.token_use, "id");
  assert.equal(id.iss, issuer);
  assert.equal(id.email, email);
  assert.equal(id.email_verified, true);
  assert.equal(id.name, "Grace");
  assert.deepEqual(id["cognito:groups"], ["zeta-editors", "alpha-readers"]);
  assert.equal(access.token_use, "access");
  assert.equal(access.scope, "aws.cognito.signin.user.admin");
  assert.deepEqual(access["cognito:groups"], ["zeta-editors", "alpha-readers"]);
  assert.ok(access.origin_jti, "origin_jti: Amplify revokes at sign-out");
  // The two tokens are signed with the pool's two different keys.
  const kid = (t) => JSON.parse(Buffer.from(t.toString().split(".")[0], "base64url")).kid;
  assert.notEqual(kid(idToken), kid(accessToken));

  // A token of another issuer is refused.
  const other = JwtVerifier.create({ issuer: `${srv.url}/us-east-1_Zz9Zz9Zz9`, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` }, { jwksCache: jwks.cache });
  await assert.rejects(other.verify(accessToken.toString()), /issuer/i);

  const me = await root.send(new GetUserCommand({ AccessToken: accessToken.toString() }));
  assert.equal(me.Username, idToken.payload["cognito:username"]);
});

test("signOut revokes the session (RevokeToken) and clears the stored tokens", async () => {
  assert.ok(session, "signed in by the previous test");
  const accessToken = session.tokens.accessToken.toString();
  const refreshKey = [...storage.keys()].find((k) => k.endsWith(".refreshToken"));
  assert.ok(refreshKey, `refresh token stored (keys: ${[...storage.keys()].join(", ")})`);
  const refreshToken = storage.get(refreshKey);

  await signOut();
  assert.match(srv.logs(), /status=200 [^\n]*operation=RevokeToken/);
  assert.equal((await fetchAuthSession()).tokens, undefined);
  assert.equal(storage.get(refreshKey), undefined);

  await assert.rejects(root.send(new GetUserCommand({ AccessToken: accessToken })), {
    name: "NotAuthorizedException",
    message: "Access Token has been revoked",
  });
  await assert.rejects(
    root.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } })),
    { name: "NotAuthorizedException", message: "Refresh Token has been revoked" },
  );

  // Signing in again works and gets a new session.
  assert.equal((await signIn({ username: email, password })).isSignedIn, true);
  const again = await fetchAuthSession();
  assert.notEqual(again.tokens.accessToken.payload.origin_jti, session.tokens.accessToken.payload.origin_jti);
  await signOut();
});
