// Seeds 000/001 end to end without code: the custom mutation
// addUserToGroup (allow.group("ADMINS"), returns a.json()) declared in the
// config's apis: section with the built-in admin handler, called through
// aws-amplify v6 generateClient() with the amplify_outputs.json that
// `userpool outputs` writes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Amplify } from "aws-amplify";
import { signIn, signOut } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { generateClient } from "aws-amplify/data";
import { AdminListGroupsForUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { startServer } from "../lib/userpool.mjs";

const password = "Passw0rd!-Data";
const config = `
password:
  insecure_fast_hashing: true
pools:
  - name: amplify-app
    groups: [{name: ADMINS}, {name: STAFF}]
    clients:
      - name: web
        explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
seed:
  users:
    - {pool: amplify-app, username: alice, password: "${password}", groups: [ADMINS]}
    - {pool: amplify-app, username: bob, password: "${password}", groups: [STAFF]}
    - {pool: amplify-app, username: carol, password: "${password}"}
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
        handler: {builtin: addUserToGroup}
      - name: listGroupsForUser
        kind: query
        arguments:
          - {name: username, type: "String!"}
          - {name: limit, type: Int}
        returns: AWSJSON
        authorization: {authenticated: true}
        handler: {builtin: listGroupsForUser}
`;

const storage = new Map();
const keyValueStorage = {
  async setItem(k, v) { storage.set(k, v); },
  async getItem(k) { return storage.get(k) ?? null; },
  async removeItem(k) { storage.delete(k); },
  async clear() { storage.clear(); },
};

let srv, root, outputs, client;

before(async () => {
  srv = await startServer({ config });
  root = await srv.rootClient();
  const out = join(await mkdtemp(join(tmpdir(), "userpool-outputs-")), "amplify_outputs.json");
  const res = await srv.cli(["outputs", "--pool", "amplify-app", "--api", "data", "--url", srv.url, "--out", out]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /userPoolEndpoint/);
  outputs = JSON.parse(await readFile(out, "utf8"));
  Amplify.configure(outputs);
  const cfg = Amplify.getConfig();
  Amplify.configure({ ...cfg, Auth: { Cognito: { ...cfg.Auth.Cognito, userPoolEndpoint: srv.url } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage);
  client = generateClient();
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

async function groupsOf(username) {
  const out = await root.send(new AdminListGroupsForUserCommand({ UserPoolId: outputs.auth.user_pool_id, Username: username }));
  return out.Groups.map((g) => g.GroupName);
}

test("amplify_outputs.json: auth and data sections, the custom operations in model_introspection", () => {
  assert.equal(outputs.version, "1.4");
  assert.match(outputs.auth.user_pool_id, /^us-east-1_/);
  assert.deepEqual(outputs.auth.groups, [{ ADMINS: { precedence: 0 } }, { STAFF: { precedence: 0 } }]);
  assert.equal(outputs.data.url, `${srv.url}/graphql/data`);
  assert.equal(outputs.data.default_authorization_type, "AMAZON_COGNITO_USER_POOLS");
  const m = outputs.data.model_introspection.mutations.addUserToGroup;
  assert.deepEqual(m.arguments.userId, { name: "userId", isArray: false, type: "String", isRequired: true });
  assert.equal(m.type, "AWSJSON");
  assert.equal(typeof client.mutations.addUserToGroup, "function");
  assert.equal(typeof client.queries.listGroupsForUser, "function");
});

test("a non-member of ADMINS gets Unauthorized in errors; nothing changes", async () => {
  await signIn({ username: "bob", password });
  const { data, errors } = await client.mutations.addUserToGroup({ userId: "carol", groupName: "ADMINS" });
  assert.equal(data, null);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].errorType, "Unauthorized");
  assert.equal(errors[0].message, "Not Authorized to access addUserToGroup on type Mutation");
  assert.deepEqual(await groupsOf("carol"), []);
  await signOut();
});

test("an ADMINS member adds the user through the built-in handler", async () => {
  await signIn({ username: "alice", password });
  const { data, errors } = await client.mutations.addUserToGroup({ userId: "carol", groupName: "ADMINS" });
  assert.equal(errors, undefined, JSON.stringify(errors));
  const result = typeof data === "string" ? JSON.parse(data) : data;
  assert.deepEqual(result, { message: "Success adding carol to ADMINS" });
  assert.deepEqual(await groupsOf("carol"), ["ADMINS"]);
});

test("a custom query returns typed data", async () => {
  const { data, errors } = await client.queries.listGroupsForUser({ username: "carol", limit: 10 });
  assert.equal(errors, undefined, JSON.stringify(errors));
  const result = typeof data === "string" ? JSON.parse(data) : data;
  assert.deepEqual(result, { Groups: [{ GroupName: "ADMINS" }] });
});

test("a malformed query gets AppSync's validation error", async () => {
  await assert.rejects(client.graphql({ query: "query { listGroupsForUsr(username: \"x\") }" }), (err) => {
    const e = err.errors?.[0] ?? err;
    assert.equal(e.message, "Validation error of type FieldUndefined: Field 'listGroupsForUsr' in type 'Query' is undefined @ 'listGroupsForUsr'");
    return true;
  });
  await signOut();
});
