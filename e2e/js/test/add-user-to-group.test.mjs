// Seed 001 ("With admin actions"): an Amplify gen 2 function granted
// addUserToGroup calls AdminAddUserToGroupCommand with
// UserPoolId: env.AMPLIFY_AUTH_USERPOOL_ID and a client built with no
// configuration at all. Here the handler runs unmodified with only the
// environment `userpool principal create` prints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { startServer, runFunction, fixtures } from "../lib/userpool.mjs";

const handler = join(fixtures, "amplify/data/add-user-to-group/handler.ts");
const userId = "5468d468-4061-70ed-8870-45c766d26225";
let srv, root, poolId;

before(async () => {
  srv = await startServer();
  root = await srv.rootClient();
  const pool = await root.send(new CreateUserPoolCommand({ PoolName: "amplify-app" }));
  poolId = pool.UserPool.Id;
  await root.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "ADMINS" }));
  await root.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: userId, MessageAction: "SUPPRESS" }));
});

after(async () => {
  root?.destroy();
  await srv?.stop();
});

async function groupsOf(username) {
  const out = await root.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: username }));
  return out.Groups.map((g) => g.GroupName);
}

test("a function granted addUserToGroup adds the user to the group", async () => {
  const env = await srv.createPrincipal({ name: "add-user-to-group", pool: "amplify-app", allow: ["addUserToGroup"] });
  assert.equal(env.AMPLIFY_AUTH_USERPOOL_ID, poolId);
  assert.deepEqual(Object.keys(env).sort(), [
    "AMPLIFY_AUTH_USERPOOL_ID",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
  ]);
  assert.deepEqual(await groupsOf(userId), []);

  const out = await runFunction(handler, { arguments: { userId, groupName: "ADMINS" } }, env);
  assert.equal(out.ok, true, `handler failed: ${out.name}: ${out.message}`);
  assert.equal(out.result.$metadata.httpStatusCode, 200);
  assert.deepEqual(await groupsOf(userId), ["ADMINS"]);
});

test("the same function without the grant is denied", async () => {
  const other = "9a1b2c3d-0000-4000-8000-000000000001";
  await root.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: other, MessageAction: "SUPPRESS" }));
  const env = await srv.createPrincipal({ name: "list-only", pool: "amplify-app", allow: ["listUsers"] });

  const out = await runFunction(handler, { arguments: { userId: other, groupName: "ADMINS" } }, env);
  assert.equal(out.ok, false);
  assert.equal(out.name, "AccessDeniedException");
  assert.match(out.message, /user\/list-only is not authorized to perform: cognito-idp:AdminAddUserToGroup on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool\//);
  assert.deepEqual(await groupsOf(other), []);

  const audit = await srv.cli(["audit", "--actor", "list-only", "--outcome", "denied", "--json"]);
  assert.equal(audit.code, 0, audit.stderr);
  const entries = audit.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(entries.length, 1);
  assert.equal(entries[0].action, "cognito-idp:AdminAddUserToGroup");
  assert.equal(entries[0].pool_id, poolId);
});
