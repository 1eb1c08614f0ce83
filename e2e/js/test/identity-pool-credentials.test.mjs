// Issue 17: group roles that carry real permissions. The AWS SDK for
// JavaScript v3's fromCognitoIdentityPool (with a CognitoIdentityClient
// pointed at userpool) exchanges a user's ID token for temporary
// credentials of the role the token selects (cognito:preferred_role from
// the groups' role_arn, Token role mapping), and userpool's SigV4 check
// authorises them by that role's grants: seed 000's "only admins add users
// to groups". The roles, the groups' role ARNs and the identity pool are
// declared in the configuration file. aws-amplify v6 gets the same
// credentials from fetchAuthSession() with Auth.Cognito.identityPoolEndpoint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdentityClient, ListIdentityPoolsCommand } from "@aws-sdk/client-cognito-identity";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { startServer } from "../lib/userpool.mjs";

const account = "000000000000";
const config = `
password: {insecure_fast_hashing: true}
pools:
  - name: app
    groups:
      - {name: ADMINS, precedence: 0, role_arn: "arn:aws:iam::${account}:role/admins"}
      - {name: EDITORS, precedence: 10, role_arn: "arn:aws:iam::${account}:role/editors"}
    clients:
      - {name: web, explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}
roles:
  - name: admins
    grants: [{pool: app, actions: [addUserToGroup]}]
  - name: editors
    grants: [{pool: app, actions: [listUsers]}]
  - name: guest
identity_pools:
  - name: app identities
    allow_unauthenticated_identities: true
    providers: [{pool: app, client: web}]
    authenticated_role: editors
    unauthenticated_role: guest
    role_mappings: [{pool: app, client: web, type: Token}]
`;

const password = "Corr3ct-horse-battery!";
let srv, root, poolId, clientId, identityPoolId, providerKey;

async function makeUser(username, group) {
  await root.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: "SUPPRESS" }));
  await root.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
  if (group) await root.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }));
}

async function idToken(username) {
  const idp = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: srv.url, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const out = await idp.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
  idp.destroy();
  return out.AuthenticationResult.IdToken;
}

/** Temporary credentials from the identity pool, as an app gets them. */
function poolCredentials(logins) {
  return fromCognitoIdentityPool({
    identityPoolId,
    logins,
    client: new CognitoIdentityClient({ region: "us-east-1", endpoint: srv.url }),
  });
}

/** A user-pools client acting with credentials. */
function clientWith(credentials) {
  return new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: srv.url, credentials, maxAttempts: 1 });
}

async function groupsOf(username) {
  const out = await root.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: username }));
  return out.Groups.map((g) => g.GroupName).sort();
}

before(async () => {
  srv = await startServer({ config });
  root = await srv.rootClient();
  const pools = await root.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  poolId = pools.UserPools.find((p) => p.Name === "app").Id;
  const clients = await root.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }));
  clientId = clients.UserPoolClients[0].ClientId;
  const ident = new CognitoIdentityClient({ region: "us-east-1", endpoint: srv.url, credentials: await srv.rootCredentials() });
  const ids = await ident.send(new ListIdentityPoolsCommand({ MaxResults: 10 }));
  ident.destroy();
  identityPoolId = ids.IdentityPools.find((p) => p.IdentityPoolName === "app identities").IdentityPoolId;
  providerKey = `cognito-idp.us-east-1.amazonaws.com/${poolId}`;
  await makeUser("alice", "ADMINS");
  await makeUser("bob", "EDITORS");
  await makeUser("carol", "ADMINS");
  await makeUser("target", null);
  await makeUser("target2", null);
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

test("a member of ADMINS adds a user to a group with the identity pool's credentials", async () => {
  const credentials = poolCredentials({ [providerKey]: await idToken("alice") });
  const c = await credentials();
  assert.match(c.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(c.sessionToken);
  assert.match(c.identityId, /^us-east-1:[0-9a-f-]{36}$/);
  const minutes = (c.expiration.getTime() - Date.now()) / 60_000;
  assert.ok(minutes > 55 && minutes <= 60, `expires in ${minutes} minutes`);

  const alice = clientWith(credentials);
  const out = await alice.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "target", GroupName: "EDITORS" }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.deepEqual(await groupsOf("target"), ["EDITORS"]);
  alice.destroy();
});

test("a member of EDITORS is denied by the editors role", async () => {
  const bob = clientWith(poolCredentials({ [providerKey]: await idToken("bob") }));
  await assert.rejects(
    bob.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "target2", GroupName: "ADMINS" })),
    (err) => {
      assert.equal(err.name, "AccessDeniedException");
      assert.match(err.message, new RegExp(`assumed-role/editors/CognitoIdentityCredentials is not authorized to perform: cognito-idp:AdminAddUserToGroup`));
      return true;
    },
  );
  assert.deepEqual(await groupsOf("target2"), []);
  bob.destroy();
});

test("an unauthenticated identity gets the unauthenticated role", async () => {
  const credentials = poolCredentials(undefined);
  const c = await credentials();
  assert.match(c.accessKeyId, /^ASIA/);
  const guest = clientWith(credentials);
  await assert.rejects(
    guest.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "target2", GroupName: "ADMINS" })),
    (err) => err.name === "AccessDeniedException" && /assumed-role\/guest\//.test(err.message),
  );
  guest.destroy();
});

test("aws-amplify fetchAuthSession() gets the credentials through identityPoolEndpoint", async () => {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: poolId,
        userPoolClientId: clientId,
        userPoolEndpoint: srv.url,
        identityPoolId,
        identityPoolEndpoint: srv.url,
        allowGuestAccess: true,
      },
    },
  });
  const res = await signIn({ username: "carol", password });
  assert.equal(res.nextStep.signInStep, "DONE");
  const session = await fetchAuthSession();
  assert.match(session.identityId, /^us-east-1:/);
  assert.match(session.credentials.accessKeyId, /^ASIA/);
  const carol = clientWith(session.credentials);
  await carol.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "target2", GroupName: "ADMINS" }));
  assert.deepEqual(await groupsOf("target2"), ["ADMINS"]);
  carol.destroy();

  // Global sign-out revokes the temporary credentials.
  await signOut({ global: true });
  const revoked = clientWith(session.credentials);
  await assert.rejects(
    revoked.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "target", GroupName: "ADMINS" })),
    (err) => err.name === "UnrecognizedClientException",
  );
  revoked.destroy();
});
