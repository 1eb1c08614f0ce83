// Amplify's documented postConfirmation trigger, "Add user to group"
// (docs.amplify.aws/react/build-a-backend/functions/examples/add-user-to-group/,
// amplify/auth/post-confirmation/handler.ts), with its TypeScript-only
// lines compiled away (the `import type { PostConfirmationTriggerHandler }`
// line and the handler's type annotation). Its resource declares
// environment: { GROUP_NAME: "EVERYONE" }.
import {
  CognitoIdentityProviderClient,
  AdminAddUserToGroupCommand
} from '@aws-sdk/client-cognito-identity-provider';
import { env } from '$amplify/env/post-confirmation';

const client = new CognitoIdentityProviderClient();

// add user to group
export const handler = async (event) => {
  const command = new AdminAddUserToGroupCommand({
    GroupName: env.GROUP_NAME,
    Username: event.userName,
    UserPoolId: event.userPoolId
  });
  const response = await client.send(command);
  console.log('processed', response.$metadata.requestId);
  return event;
};
