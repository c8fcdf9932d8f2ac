/**
 * Fixed credentials of the local Twilio sandbox. The app uses them as its embedded
 * defaults when no real Twilio configuration is given, so `npm run dev` works offline.
 * They are not secrets: they only open the sandbox on 127.0.0.1.
 */
export const SANDBOX_ACCOUNT_SID = "AC5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
export const SANDBOX_AUTH_TOKEN = "5b0cd1e2f3a4b5c6d7e8f9a0b1c2d3e4";
export const SANDBOX_API_KEY_SID = "SK5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
export const SANDBOX_API_KEY_SECRET = "sandboxApiKeySecret0123456789abc";
export const SANDBOX_MESSAGING_SERVICE_SID = "MG5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
export const SANDBOX_VERIFY_SERVICE_SID = "VA5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
/** Twilio's own "valid sender" test number. */
export const SANDBOX_FROM_NUMBER = "+15005550006";
export const SANDBOX_DEFAULT_PORT = 8465;
