// Seed 004 ("Set up admin actions"), with the real aws-amplify v6 libraries:
// the REST API "AdminQueries" points at /adminqueries/<poolId> of userpool; a
// member of the admin group signs in (SRP) and, with the access token from
// fetchAuthSession as Authorization, adds "richard" to Editors with
// post('/addUserToGroup') and lists the Editors with get('/listUsersInGroup')
// (limit 10, then the second page with the returned NextToken). Signed-in
// users outside the admin group are refused with the template's message:
// 403 in the default (strict) mode; with `compat: template`, 500 for a caller
// in other groups and 403 for one in none, as the Amplify template answers
// (Amplify's REST client retries the 500s, hence that test's extra second).
//
// The seed's JavaScript is Amplify v5-era: v6's option is queryParams (not
// queryStringParameters), the call returns {response} to await, and the
// header must be the token string — the seed interpolates
// accessToken.payload, an object (docs#6945); that form is shown to be
// refused (401) below.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AdminListGroupsForUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { get, post } from "aws-amplify/api";
import { startServer } from "../lib/userpool.mjs";
import { createUser } from "../lib/clients.mjs";

const poolId = "us-east-1_AdminQry4";
const clientId = "adminqueriesweb";
// A second pool whose Admin Queries reproduce the template's statuses.
const templatePoolId = "us-east-1_AdminQry5";
const templateClientId = "adminqueriestemplate";
const password = "Passw0rd!-aq";
const denied = "User does not have permissions to perform administrative tasks";
const editors = Array.from({ length: 11 }, (_, i) => `editor${String(i + 1).padStart(2, "0")}`);

const config = `password:
  insecure_fast_hashing: true
pools:
  - name: admin-queries
    id: ${poolId}
    groups:
      - name: Admins
        precedence: 0
      - name: Editors
        precedence: 5
      - name: Staff
        precedence: 9
    clients:
      - name: web
        id: ${clientId}
        explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    admin_queries:
      enabled: true
      groups: [Admins]
  - name: admin-queries-template
    id: ${templatePoolId}
    groups:
      - name: Admins
      - name: Staff
    clients:
      - name: web
        id: ${templateClientId}
        explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    admin_queries:
      enabled: true
      groups: [Admins]
      compat: template
`;

let srv, root;

before(async () => {
  srv = await startServer({ config });
  root = await srv.rootClient();
  await createUser(root, poolId, { username: "admin", password, groups: ["Admins"] });
  await createUser(root, poolId, { username: "richard", password, attributes: { email: "richard@example.com" } });
  for (const u of editors) await createUser(root, poolId, { username: u, password });
  await createUser(root, poolId, { username: "nogroup", password });
  await createUser(root, poolId, { username: "staffer", password, groups: ["Staff"] });
  await createUser(root, templatePoolId, { username: "nogroup", password });
  await createUser(root, templatePoolId, { username: "staffer", password, groups: ["Staff"] });

  Amplify.configure({
    Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: srv.url } },
    API: { REST: { AdminQueries: { endpoint: `${srv.url}/adminqueries/${poolId}`, region: "us-east-1" } } },
  });
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

/** Signs username in (SRP) as the only Amplify user and returns its tokens. */
async function signInAs(username) {
  await signOut();
  const out = await signIn({ username, password });
  assert.equal(out.isSignedIn, true, JSON.stringify(out.nextStep));
  return (await fetchAuthSession()).tokens;
}

/** Awaits an Amplify REST operation; resolves {status, body, headers} for successes and HTTP errors alike. */
async function call(op) {
  try {
    const res = await op.response;
    return { status: res.statusCode, body: await res.body.json(), headers: res.headers };
  } catch (err) {
    if (!err.response) throw err;
    const text = err.response.body;
    return { status: err.response.statusCode, body: text ? JSON.parse(text) : undefined, headers: err.response.headers, name: err.name };
  }
}

async function groupsOf(username) {
  const out = await root.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: username }));
  return out.Groups.map((g) => g.GroupName);
}

const listEditors = (Authorization, token) =>
  call(
    get({
      apiName: "AdminQueries",
      path: "/listUsersInGroup",
      options: { headers: { Authorization }, queryParams: { groupname: "Editors", limit: "10", ...(token ? { token } : {}) } },
    }),
  );

test("an Admins member adds richard to Editors (post) and lists the Editors in pages of 10 (get)", async () => {
  const { accessToken } = await signInAs("admin");
  const Authorization = accessToken.toString(); // the string, not .payload

  assert.deepEqual(await groupsOf("richard"), []);
  const added = await call(
    post({
      apiName: "AdminQueries",
      path: "/addUserToGroup",
      options: { headers: { "Content-Type": "application/json", Authorization }, body: { username: "richard", groupname: "Editors" } },
    }),
  );
  assert.equal(added.status, 200, JSON.stringify(added.body));
  assert.deepEqual(added.body, { message: "Success adding richard to Editors" });
  assert.deepEqual(await groupsOf("richard"), ["Editors"]);

  // More than 10 editors, so listing them takes two pages.
  for (const username of editors) {
    const r = await call(post({ apiName: "AdminQueries", path: "/addUserToGroup", options: { headers: { Authorization }, body: { username, groupname: "Editors" } } }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }

  const first = await listEditors(Authorization);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.$metadata.httpStatusCode, 200);
  assert.equal(first.body.Users.length, 10);
  assert.equal(typeof first.body.NextToken, "string");
  for (const u of first.body.Users) {
    assert.equal(u.Enabled, true);
    assert.equal(u.UserStatus, "CONFIRMED");
    assert.ok(Array.isArray(u.Attributes));
    assert.ok(!Number.isNaN(Date.parse(u.UserCreateDate)), `UserCreateDate ${u.UserCreateDate}`);
  }
  const second = await listEditors(Authorization, first.body.NextToken);
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.equal(second.body.Users.length, 2);
  assert.equal(second.body.NextToken, undefined);

  const names = [...first.body.Users, ...second.body.Users].map((u) => u.Username);
  assert.equal(new Set(names).size, 12, `no user twice: ${names}`);
  assert.deepEqual([...names].sort(), ["richard", ...editors].sort());
  const richard = [...first.body.Users, ...second.body.Users].find((u) => u.Username === "richard");
  assert.deepEqual(
    richard.Attributes.find((a) => a.Name === "email"),
    { Name: "email", Value: "richard@example.com" },
  );
});

test("Authorization: the access token string or Bearer works; the seed's `${accessToken.payload}` and ID tokens get 401", async () => {
  const { accessToken, idToken } = await signInAs("admin");
  const groups = (Authorization) => call(get({ apiName: "AdminQueries", path: "/listGroups", options: { headers: { Authorization } } }));

  const ok = await groups(`Bearer ${accessToken.toString()}`);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.Groups.map((g) => g.GroupName).sort(), ["Admins", "Editors", "Staff"]);

  for (const Authorization of [`${accessToken.payload}`, idToken.toString()]) {
    const r = await groups(Authorization);
    assert.equal(r.status, 401, Authorization.slice(0, 20));
    assert.deepEqual(r.body, { message: "Unauthorized" });
  }

  // After signOut (RevokeToken) the old access token is refused.
  await signOut();
  const revoked = await groups(accessToken.toString());
  assert.equal(revoked.status, 401);
});

test("strict (default): signed-in users outside Admins, in no group or in another, are refused with 403 and the template's message", async () => {
  for (const username of ["nogroup", "staffer"]) {
    const { accessToken } = await signInAs(username);
    const Authorization = accessToken.toString();

    const add = await call(post({ apiName: "AdminQueries", path: "/addUserToGroup", options: { headers: { Authorization }, body: { username, groupname: "Admins" } } }));
    assert.equal(add.status, 403, `${username}: ${JSON.stringify(add.body)}`);
    assert.deepEqual(add.body, { message: denied });
    assert.equal(add.headers["access-control-allow-origin"], "*");

    const list = await listEditors(Authorization);
    assert.equal(list.status, 403, `${username}: ${JSON.stringify(list.body)}`);
    assert.deepEqual(list.body, { message: denied });
  }
  assert.deepEqual(await groupsOf("nogroup"), []);
  assert.deepEqual(await groupsOf("staffer"), ["Staff"]);
  await signOut();
});

test("compat: template gives the template's statuses: 500 for a caller in other groups, 403 for one in none", async () => {
  await signOut();
  Amplify.configure({
    Auth: { Cognito: { userPoolId: templatePoolId, userPoolClientId: templateClientId, userPoolEndpoint: srv.url } },
    API: { REST: { AdminQueries: { endpoint: `${srv.url}/adminqueries/${templatePoolId}`, region: "us-east-1" } } },
  });
  for (const [username, status] of [
    ["staffer", 500],
    ["nogroup", 403],
  ]) {
    const { accessToken } = await signInAs(username);
    assert.equal(accessToken.payload.iss, `${srv.url}/${templatePoolId}`);
    const r = await call(get({ apiName: "AdminQueries", path: "/listUsers", options: { headers: { Authorization: accessToken.toString() } } }));
    assert.equal(r.status, status, `${username}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body, { message: denied });
  }
  await signOut();
});
