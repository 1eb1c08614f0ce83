// Functions as triggers and GraphQL handlers (issues 16 and 18), through
// `userpool serve` with a configuration file declaring node functions and
// the pools' lambda_config with Lambda ARNs:
// - PreTokenGeneration V2_0 adds and suppresses claims, adds a scope and
//   overrides cognito:groups; aws-jwt-verify's CognitoJwtVerifier (tokens
//   with the AWS issuer, JWKS pre-loaded from the server) and Amplify's
//   fetchAuthSession see it;
// - the seed's handler (internal/function/testdata/seed/handler.mjs: the
//   seed's handler.ts with its TypeScript-only lines removed) behind the
//   custom mutation addUserToGroup, called with generateClient() — by a
//   user whose ADMINS membership comes from the trigger's group override;
// - CUSTOM_AUTH with Define/Create/Verify functions completes with
//   amazon-cognito-identity-js' customChallenge callback (initiateAuth,
//   then sendCustomChallengeAnswer: a wrong answer gets a new challenge,
//   the right one tokens; ClientMetadata reaches VerifyAuthChallenge).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp, symlink, copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Amplify } from "aws-amplify";
import { signIn, signOut, fetchAuthSession } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { generateClient } from "aws-amplify/data";
import { AdminListGroupsForUserCommand, ListUserPoolClientsCommand, ListUserPoolsCommand } from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { startServer, repoRoot } from "../lib/userpool.mjs";
import { callbacks, fetchJwks } from "../lib/clients.mjs";

const password = "Passw0rd!-Fns";
const arn = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const handlers = {
  "pre-token.mjs": `
export const handler = async (event) => {
  const override = event.userName === "dave" ? { groupsToOverride: ["ADMINS"] } : undefined;
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { tier: "gold", via: event.triggerSource }, claimsToSuppress: ["email"] },
      accessTokenGeneration: { claimsToAddOrOverride: { tier: "gold" }, scopesToAdd: ["app/read"] },
      groupOverrideDetails: override,
    },
  };
  return event;
};`,
  "define.mjs": `
export const handler = async (event) => {
  const s = event.request.session;
  if (s.length > 0 && s[s.length - 1].challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else if (s.length >= 3) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = "CUSTOM_CHALLENGE";
  }
  return event;
};`,
  "create.mjs": `
export const handler = async (event) => {
  event.response.publicChallengeParameters = { question: "2 + 2 = ?" };
  event.response.privateChallengeParameters = { answer: "4" };
  event.response.challengeMetadata = "MATH-" + (event.request.session.length + 1);
  return event;
};`,
  "verify.mjs": `
export const handler = async (event) => {
  event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.answer &&
    event.request.clientMetadata?.origin === "identity-js";
  return event;
};`,
};

let srv, root, dir, outputs, client, ptgClientId, ptgPoolId, jwks, customPool;

const storage = new Map();
const keyValueStorage = {
  async setItem(k, v) { storage.set(k, v); },
  async getItem(k) { return storage.get(k) ?? null; },
  async removeItem(k) { storage.delete(k); },
  async clear() { storage.clear(); },
};

before(async () => {
  // An Amplify-like project: the handlers and node_modules with the AWS SDK.
  dir = await mkdtemp(join(tmpdir(), "userpool-fns-"));
  await symlink(join(repoRoot, "e2e/js/node_modules"), join(dir, "node_modules"));
  await copyFile(join(repoRoot, "internal/function/testdata/seed/handler.mjs"), join(dir, "add-user-to-group.mjs"));
  for (const [name, src] of Object.entries(handlers)) await writeFile(join(dir, name), src);
  const config = `
password:
  insecure_fast_hashing: true
tokens:
  issuer: aws
functions:
  - {name: add-user-to-group, runtime: node, handler: ${dir}/add-user-to-group.mjs, grants: [{pool: amplify-app, actions: [addUserToGroup]}]}
  - {name: pre-token, runtime: node, handler: ${dir}/pre-token.mjs}
  - {name: define-auth, runtime: node, handler: ${dir}/define.mjs, workers: 1}
  - {name: create-auth, runtime: node, handler: ${dir}/create.mjs, workers: 1}
  - {name: verify-auth, runtime: node, handler: ${dir}/verify.mjs, workers: 1}
pools:
  - name: amplify-app
    groups: [{name: ADMINS}, {name: STAFF}]
    lambda_config:
      pre_token_generation_config: {lambda_arn: "${arn("pre-token")}", lambda_version: V2_0}
    clients:
      - name: web
        explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  - name: custom
    lambda_config:
      define_auth_challenge: "${arn("define-auth")}"
      create_auth_challenge: "${arn("create-auth")}"
      verify_auth_challenge_response: "${arn("verify-auth")}"
    clients:
      - name: web
        explicit_auth_flows: [ALLOW_CUSTOM_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
seed:
  users:
    - {pool: amplify-app, username: alice, password: "${password}", attributes: {email: alice@example.com}, groups: [ADMINS]}
    - {pool: amplify-app, username: carol, password: "${password}"}
    - {pool: amplify-app, username: dave, password: "${password}"}
    - {pool: custom, username: erin, password: "${password}"}
apis:
  - name: data
    pool: amplify-app
    operations:
      - name: addUserToGroup
        kind: mutation
        arguments:
          - {name: userId, type: "String!"}
          - {name: groupName, type: "String!"}
        returns: AWSJSON
        authorization: {groups: [ADMINS]}
        handler: {function: add-user-to-group}
`;
  srv = await startServer({ config });
  root = await srv.rootClient();
  const out = join(dir, "amplify_outputs.json");
  const res = await srv.cli(["outputs", "--pool", "amplify-app", "--api", "data", "--url", srv.url, "--out", out]);
  assert.equal(res.code, 0, res.stderr);
  outputs = JSON.parse(await readFile(out, "utf8"));
  ptgPoolId = outputs.auth.user_pool_id;
  ptgClientId = outputs.auth.user_pool_client_id;
  Amplify.configure(outputs);
  const cfg = Amplify.getConfig();
  Amplify.configure({ ...cfg, Auth: { Cognito: { ...cfg.Auth.Cognito, userPoolEndpoint: srv.url } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage);
  client = generateClient();
  jwks = await fetchJwks(srv, ptgPoolId);

  const pools = await root.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  const customId = pools.UserPools.find((p) => p.Name === "custom").Id;
  const clients = await root.send(new ListUserPoolClientsCommand({ UserPoolId: customId }));
  customPool = { id: customId, pool: new CognitoUserPool({ UserPoolId: customId, ClientId: clients.UserPoolClients[0].ClientId, endpoint: srv.url }) };
});

after(async () => {
  root?.destroy();
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function verifier(tokenUse) {
  const v = CognitoJwtVerifier.create({ userPoolId: ptgPoolId, tokenUse, clientId: ptgClientId });
  v.cacheJwks(jwks);
  return v;
}

async function groupsOf(username) {
  const out = await root.send(new AdminListGroupsForUserCommand({ UserPoolId: ptgPoolId, Username: username }));
  return out.Groups.map((g) => g.GroupName);
}

test("PreTokenGeneration V2_0: claims added and suppressed, a scope added, seen by aws-jwt-verify and fetchAuthSession", async () => {
  await signIn({ username: "alice", password });
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload.tier, "gold");
  assert.equal(tokens.idToken.payload.via, "TokenGeneration_Authentication");
  assert.equal(tokens.idToken.payload.email, undefined);
  assert.deepEqual(tokens.idToken.payload["cognito:groups"], ["ADMINS"]);
  const id = await verifier("id").verify(tokens.idToken.toString());
  assert.equal(id.tier, "gold");
  assert.equal(id.email, undefined);
  const access = await verifier("access").verify(tokens.accessToken.toString());
  assert.equal(access.tier, "gold");
  assert.ok(access.scope.split(" ").includes("app/read"), access.scope);
  assert.ok(access.scope.split(" ").includes("aws.cognito.signin.user.admin"), access.scope);
  await signOut();
});

test("PreTokenGeneration V2_0 overrides cognito:groups; the override authorizes the seed's handler behind the custom mutation", async () => {
  assert.deepEqual(await groupsOf("dave"), []);
  await signIn({ username: "dave", password });
  const { tokens } = await fetchAuthSession();
  assert.deepEqual(tokens.idToken.payload["cognito:groups"], ["ADMINS"]);
  const access = await verifier("access").verify(tokens.accessToken.toString());
  assert.deepEqual(access["cognito:groups"], ["ADMINS"]);

  const { data, errors } = await client.mutations.addUserToGroup({ userId: "carol", groupName: "STAFF" });
  assert.equal(errors, undefined, JSON.stringify(errors));
  const result = typeof data === "string" ? JSON.parse(data) : data;
  assert.equal(result.$metadata.httpStatusCode, 200);
  assert.deepEqual(await groupsOf("carol"), ["STAFF"]);
  await signOut();
});

test("a caller without ADMINS (carol) is Unauthorized: the function is not run", async () => {
  await signIn({ username: "carol", password });
  const { data, errors } = await client.mutations.addUserToGroup({ userId: "carol", groupName: "ADMINS" });
  assert.equal(data, null);
  assert.equal(errors[0].errorType, "Unauthorized");
  assert.deepEqual(await groupsOf("carol"), ["STAFF"]);
  await signOut();
});

test("CUSTOM_AUTH with Define/Create/Verify functions completes through amazon-cognito-identity-js' customChallenge", async () => {
  const user = new CognitoUser({ Username: "erin", Pool: customPool.pool });
  user.setAuthenticationFlowType("CUSTOM_AUTH");
  const details = new AuthenticationDetails({ Username: "erin" });
  const names = ["onSuccess", "onFailure", "customChallenge"];
  const first = await callbacks((cb) => user.initiateAuth(details, cb), names);
  assert.equal(first.name, "customChallenge", JSON.stringify(first.args));
  assert.deepEqual(first.args[0], { USERNAME: "erin", question: "2 + 2 = ?" }); // Cognito adds USERNAME

  const wrong = await callbacks((cb) => user.sendCustomChallengeAnswer("5", cb, { origin: "identity-js" }), names);
  assert.equal(wrong.name, "customChallenge", JSON.stringify(wrong.args));

  const right = await callbacks((cb) => user.sendCustomChallengeAnswer("4", cb, { origin: "identity-js" }), names);
  assert.equal(right.name, "onSuccess", JSON.stringify(right.args));
  const session = right.args[0];
  assert.equal(session.getIdToken().decodePayload()["cognito:username"], "erin");
  assert.equal(session.getAccessToken().decodePayload().token_use, "access");
});
