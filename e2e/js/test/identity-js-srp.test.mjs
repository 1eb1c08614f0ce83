// amazon-cognito-identity-js against userpool: SRP sign-in (authenticateUser),
// the NEW_PASSWORD_REQUIRED challenge after AdminCreateUser
// (newPasswordRequired → completeNewPasswordChallenge), refresh, and sign-out
// with RevokeToken. The tokens are verified with aws-jwt-verify's
// CognitoJwtVerifier exactly as an app verifies real Cognito tokens: this
// server issues them with the AWS issuer (`tokens: {issuer: aws}`), so the
// verifier's default issuer https://cognito-idp.<region>.amazonaws.com/<poolId>
// matches, and its JWKS is pre-loaded from the server's
// /<poolId>/.well-known/jwks.json with verifier.cacheJwks() (the verifier
// would otherwise fetch it from amazonaws.com).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AdminGetUserCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { startServer } from "../lib/userpool.mjs";
import { callbacks, createUser, fetchJwks } from "../lib/clients.mjs";

const config = `password:
  insecure_fast_hashing: true
tokens:
  issuer: aws
`;

let srv, root, poolId, clientId, jwks, userPool;

before(async () => {
  srv = await startServer({ config });
  root = await srv.rootClient();
  const pool = await root.send(new CreateUserPoolCommand({ PoolName: "identity-js" }));
  poolId = pool.UserPool.Id;
  const client = await root.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  clientId = client.UserPoolClient.ClientId;
  assert.equal(client.UserPoolClient.ClientSecret, undefined);
  await root.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "staff", Precedence: 10 }));
  await root.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "admins", Precedence: 2 }));
  jwks = await fetchJwks(srv, poolId);
  userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: srv.url });
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

function cognitoUser(username) {
  return new CognitoUser({ Username: username, Pool: userPool });
}

/** authenticateUser (SRP: USER_SRP_AUTH then PASSWORD_VERIFIER); resolves {name, args, user}. */
async function authenticate(username, password) {
  const user = cognitoUser(username);
  const details = new AuthenticationDetails({ Username: username, Password: password });
  const r = await callbacks((cb) => user.authenticateUser(details, cb), ["onSuccess", "onFailure", "newPasswordRequired", "mfaRequired", "totpRequired", "customChallenge", "mfaSetup", "selectMFAType"]);
  return { ...r, user };
}

function verifier(tokenUse, extra = {}) {
  const v = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse, clientId, ...extra });
  v.cacheJwks(jwks);
  return v;
}

test("the JWKS has the two RS256 signing keys of the pool", () => {
  assert.equal(jwks.keys.length, 2);
  for (const k of jwks.keys) {
    assert.equal(k.kty, "RSA");
    assert.equal(k.alg, "RS256");
    assert.equal(k.use, "sig");
    assert.equal(k.e, "AQAB");
    assert.ok(k.kid && k.n);
  }
  assert.notEqual(jwks.keys[0].kid, jwks.keys[1].kid);
});

test("authenticateUser signs in with SRP and the tokens verify with CognitoJwtVerifier", async () => {
  await createUser(root, poolId, { username: "carol", password: "Carol-Passw0rd!", attributes: { email: "carol@example.com" }, groups: ["staff", "admins"] });
  const { name, args } = await authenticate("carol", "Carol-Passw0rd!");
  assert.equal(name, "onSuccess", `${name}: ${args[0]?.code} ${args[0]?.message}`);
  const session = args[0];
  assert.equal(session.isValid(), true);
  const idToken = session.getIdToken().getJwtToken();
  const accessToken = session.getAccessToken().getJwtToken();

  const id = await verifier("id").verify(idToken);
  assert.equal(id.iss, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
  assert.equal(id.aud, clientId);
  assert.equal(id["cognito:username"], "carol");
  assert.equal(id.email, "carol@example.com");
  assert.deepEqual(id["cognito:groups"], ["admins", "staff"]); // precedence 2 before 10
  const access = await verifier("access", { groups: "admins" }).verify(accessToken);
  assert.equal(access.client_id, clientId);
  assert.equal(access.username, "carol");
  assert.equal(access.scope, "aws.cognito.signin.user.admin");
  assert.equal(access.sub, id.sub);
  assert.deepEqual(access["cognito:groups"], ["admins", "staff"]);
  assert.ok(access.origin_jti, "origin_jti makes the libraries revoke at sign-out");

  // The verifier refuses what it should.
  await assert.rejects(verifier("access").verify(idToken), /Token use not allowed/);
  await assert.rejects(verifier("id").verify(accessToken), /Token use not allowed/);
  await assert.rejects(verifier("id", { clientId: "someotherclient" }).verify(idToken), /audience/i);
  await assert.rejects(verifier("access", { groups: "nobody" }).verify(accessToken), /group/i);
  const [h, p, s] = accessToken.split(".");
  const forged = Buffer.from(JSON.stringify({ ...access, username: "mallory" })).toString("base64url");
  await assert.rejects(verifier("access").verify(`${h}.${forged}.${s}`), /signature/i);

  // The access token works on the Cognito API (GetUser is unsigned).
  const user = await root.send(new GetUserCommand({ AccessToken: accessToken }));
  assert.equal(user.Username, "carol");
});

test("a wrong password is refused with NotAuthorizedException", async () => {
  await createUser(root, poolId, { username: "dave", password: "Dave-Passw0rd!" });
  const { name, args } = await authenticate("dave", "not-the-password");
  assert.equal(name, "onFailure");
  assert.equal(args[0].code, "NotAuthorizedException");
  assert.equal(args[0].message, "Incorrect username or password.");
});

test("NEW_PASSWORD_REQUIRED after AdminCreateUser: completeNewPasswordChallenge sets the password", async () => {
  await createUser(root, poolId, { username: "erin", temporaryPassword: "Temp-Passw0rd!", attributes: { email: "erin@example.com", name: "Erin" } });
  const first = await authenticate("erin", "Temp-Passw0rd!");
  assert.equal(first.name, "newPasswordRequired", `${first.name}: ${first.args[0]?.message}`);
  const [userAttributes, requiredAttributes] = first.args;
  assert.equal(userAttributes.email, "erin@example.com");
  assert.equal(userAttributes.name, "Erin");
  assert.deepEqual(requiredAttributes, []);

  // The challenge answer may update attributes the client can write.
  const done = await callbacks((cb) => first.user.completeNewPasswordChallenge("Erin-New-Passw0rd!", { name: "Erin E." }, cb));
  assert.equal(done.name, "onSuccess", `${done.name}: ${done.args[0]?.code} ${done.args[0]?.message}`);
  const id = await verifier("id").verify(done.args[0].getIdToken().getJwtToken());
  assert.equal(id["cognito:username"], "erin");
  assert.equal(id.name, "Erin E.");
  assert.equal(id["cognito:groups"], undefined, "no groups, no claim");

  const got = await root.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "erin" }));
  assert.equal(got.UserStatus, "CONFIRMED");

  // The new password signs in without a challenge; the temporary one no longer works.
  assert.equal((await authenticate("erin", "Erin-New-Passw0rd!")).name, "onSuccess");
  const old = await authenticate("erin", "Temp-Passw0rd!");
  assert.equal(old.name, "onFailure");
  assert.equal(old.args[0].code, "NotAuthorizedException");
});

test("refreshSession renews the tokens; signOut revokes the refresh and access tokens", async () => {
  await createUser(root, poolId, { username: "frank", password: "Frank-Passw0rd!", groups: ["staff"] });
  const { name, args, user } = await authenticate("frank", "Frank-Passw0rd!");
  assert.equal(name, "onSuccess");
  const session = args[0];
  const refreshToken = session.getRefreshToken();
  const accessToken = session.getAccessToken().getJwtToken();

  const refreshed = await callbacks((cb) => user.refreshSession(refreshToken, (err, s) => (err ? cb.onFailure(err) : cb.onSuccess(s))));
  assert.equal(refreshed.name, "onSuccess", refreshed.args[0]?.message);
  const renewed = refreshed.args[0].getAccessToken();
  const payload = await verifier("access").verify(renewed.getJwtToken());
  assert.equal(payload.origin_jti, session.getAccessToken().decodePayload().origin_jti);
  assert.deepEqual(payload["cognito:groups"], ["staff"]);

  // signOut(callback) calls RevokeToken (the access token has origin_jti).
  const out = await callbacks((cb) => user.signOut((err) => (err ? cb.onFailure(err) : cb.onSuccess())));
  assert.equal(out.name, "onSuccess", out.args[0]?.message);
  assert.match(srv.logs(), /status=200 [^\n]*operation=RevokeToken/);

  // The refresh token is dead. (Checked with the SDK: identity-js's
  // refreshSession retries every error with backoff for ~6 s before giving up.)
  await assert.rejects(
    root.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken.getToken() } })),
    (err) => {
      assert.equal(err.name, "NotAuthorizedException");
      assert.equal(err.message, "Refresh Token has been revoked");
      return true;
    },
  );
  for (const token of [accessToken, renewed.getJwtToken()]) {
    await assert.rejects(root.send(new GetUserCommand({ AccessToken: token })), (err) => {
      assert.equal(err.name, "NotAuthorizedException");
      assert.match(err.message, /revoked/);
      return true;
    });
  }
});
