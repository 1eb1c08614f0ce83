// Test handler: Amplify's generated env module, resolved by userpool's hook.
import { env } from '$amplify/env/some-function';
export const handler = async () => ({ pool: env.AMPLIFY_AUTH_USERPOOL_ID });
