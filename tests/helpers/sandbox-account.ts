import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";

/**
 * This test run's sandbox account, generated like every install's: nothing secret is committed.
 * Every module of one test file sees the same account.
 */
const account = generateSandboxCredentials();
export const SANDBOX_ACCOUNT_SID = account.accountSid;
export const SANDBOX_AUTH_TOKEN = account.authToken;
export const SANDBOX_API_KEY_SID = account.apiKeySid;
export const SANDBOX_API_KEY_SECRET = account.apiKeySecret;
