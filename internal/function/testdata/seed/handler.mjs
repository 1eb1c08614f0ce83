// The handler of the seed (Amplify docs, "With admin actions",
// amplify/data/add-user-to-group/handler.ts), unmodified except for what
// Node cannot run: the TypeScript-only lines (`import type { Schema }` and
// the `Handler` type and annotation) are removed, as the TypeScript
// compiler removes them when an Amplify project is built.
import { env } from "$amplify/env/add-user-to-group"
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider"

const client = new CognitoIdentityProviderClient()

export const handler = async (event) => {
  const { userId, groupName } = event.arguments
  const command = new AdminAddUserToGroupCommand({
    Username: userId,
    GroupName: groupName,
    UserPoolId: env.AMPLIFY_AUTH_USERPOOL_ID,
  })
  const response = await client.send(command)
  return response
}
