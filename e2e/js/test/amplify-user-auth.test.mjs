// aws-amplify v6 with Cognito's choice-based sign-in (USER_AUTH) and e-mail
// MFA, against the real binary in development mode. Codes are read from the
// test API (GET /_userpool/pools/<id>/messages?username=), which records
// what the sender delivered.
//
//   - signIn USER_AUTH with preferredChallenge EMAIL_OTP, then confirmSignIn
//     with the e-mailed code (and a wrong code refused first);
//   - signIn USER_AUTH without a preference: SELECT_CHALLENGE lists the
//     pool's factors, confirmSignIn("PASSWORD_SRP") then the password (SRP);
//   - a password (SRP) sign-in in a pool with MFA ON and e-mail MFA: the
//     EMAIL_OTP challenge, answered with the e-mailed code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { startServer } from "../lib/userpool.mjs";
import { createUser } from "../lib/clients.mjs";

// Development mode accepts any well-formed signature, for the test API too.
const devSignature =
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

let srv, sdk;
const password = "Passw0rd-UserAuth!";

const storage = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
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
});

before(async () => {
  srv = await startServer({ args: ["--dev-accept-any-credentials"] });
  sdk = new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: srv.url,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dev" },
    maxAttempts: 1,
  });
});

after(async () => {
  sdk?.destroy();
  await srv?.stop();
});

/** The codes sent to username in poolId, oldest first (the test API). */
async function sentCodes(poolId, username) {
  const res = await fetch(`${srv.url}/_userpool/pools/${poolId}/messages?username=${encodeURIComponent(username)}`, {
    headers: { authorization: devSignature },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).messages;
}

async function lastCode(poolId, username) {
  const msgs = await sentCodes(poolId, username);
  assert.ok(msgs.length > 0, `no message sent to ${username}`);
  return msgs[msgs.length - 1];
}

async function pool(input) {
  return (await sdk.send(new CreateUserPoolCommand({ PoolName: "amplify-user-auth", ...input }))).UserPool.Id;
}

async function client(poolId, flows) {
  const out = await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web", ExplicitAuthFlows: flows }));
  return out.UserPoolClient.ClientId;
}

function configure(poolId, clientId) {
  Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: srv.url } } });
}

/** The signed-in session works against the API, then is signed out. */
async function assertSignedIn(username) {
  const session = await fetchAuthSession();
  assert.ok(session.tokens?.accessToken, "tokens stored");
  const me = await sdk.send(new GetUserCommand({ AccessToken: session.tokens.accessToken.toString() }));
  assert.equal(me.Username, username);
  await signOut();
}

test("USER_AUTH with EMAIL_OTP: signIn sends a code, confirmSignIn answers it", async () => {
  const poolId = await pool({ Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } } });
  const clientId = await client(poolId, ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  await createUser(sdk, poolId, { username: "otto", password, attributes: { email: "otto@example.com", email_verified: "true" } });
  configure(poolId, clientId);

  const out = await signIn({ username: "otto", options: { authFlowType: "USER_AUTH", preferredChallenge: "EMAIL_OTP" } });
  assert.equal(out.isSignedIn, false);
  assert.equal(out.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
  assert.equal(out.nextStep.codeDeliveryDetails.deliveryMedium, "EMAIL");
  assert.equal(out.nextStep.codeDeliveryDetails.destination, "o***@e***");
  const msg = await lastCode(poolId, "otto");
  assert.equal(msg.medium, "EMAIL");
  assert.equal(msg.destination, "otto@example.com");
  assert.match(msg.code, /^\d{6}$/);

  const wrong = String((Number(msg.code) + 1) % 1_000_000).padStart(6, "0");
  await assert.rejects(confirmSignIn({ challengeResponse: wrong }), { name: "CodeMismatchException" });
  const done = await confirmSignIn({ challengeResponse: msg.code });
  assert.equal(done.isSignedIn, true);
  assert.equal(done.nextStep.signInStep, "DONE");
  await assertSignedIn("otto");
});

test("USER_AUTH through SELECT_CHALLENGE: PASSWORD_SRP chosen, then the password", async () => {
  const poolId = await pool({ Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } } });
  const clientId = await client(poolId, ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  await createUser(sdk, poolId, { username: "sara", password, attributes: { email: "sara@example.com", email_verified: "true" } });
  configure(poolId, clientId);

  const out = await signIn({ username: "sara", options: { authFlowType: "USER_AUTH" } });
  assert.equal(out.nextStep.signInStep, "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION");
  assert.deepEqual(out.nextStep.availableChallenges, ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
  const chosen = await confirmSignIn({ challengeResponse: "PASSWORD_SRP" });
  assert.equal(chosen.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_PASSWORD");
  const done = await confirmSignIn({ challengeResponse: password });
  assert.equal(done.isSignedIn, true);
  assert.equal((await sentCodes(poolId, "sara")).length, 0, "no code sent for a password sign-in");
  await assertSignedIn("sara");
});

test("e-mail MFA on a password sign-in (MFA ON, no TOTP)", async () => {
  const poolId = await pool({});
  await sdk.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: "ON",
      EmailMfaConfiguration: { Subject: "Your sign-in code", Message: "Code: {####}" },
    }),
  );
  const clientId = await client(poolId, ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  await createUser(sdk, poolId, { username: "mia", password, attributes: { email: "mia@example.com", email_verified: "true" } });
  configure(poolId, clientId);

  const out = await signIn({ username: "mia", password });
  assert.equal(out.isSignedIn, false);
  assert.equal(out.nextStep.signInStep, "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
  const msg = await lastCode(poolId, "mia");
  assert.equal(msg.purpose, "mfa");
  assert.equal(msg.subject, "Your sign-in code");
  assert.equal(msg.body, `Code: ${msg.code}`);
  const done = await confirmSignIn({ challengeResponse: msg.code });
  assert.equal(done.isSignedIn, true);
  await assertSignedIn("mia");
});
