import { env, type Env } from "../config/env";
import { smsProvider } from "../sms/app-provider";
import type { VerificationLimits } from "./limits";
import type { VerificationDeps } from "./service";

function verificationLimits(config: Env): VerificationLimits {
  return {
    sendsPerUserPerHour: config.VERIFY_SENDS_PER_USER_PER_HOUR,
    sendsPerNumberPerHour: config.VERIFY_SENDS_PER_NUMBER_PER_HOUR,
    sendsPerAddressPerHour: config.VERIFY_SENDS_PER_ADDRESS_PER_HOUR,
    sendsPerCountryPerHour: config.VERIFY_SENDS_PER_COUNTRY_PER_HOUR,
    sendsGlobalPerHour: config.VERIFY_SENDS_GLOBAL_PER_HOUR,
    checksPerUserPerHour: config.VERIFY_CHECKS_PER_USER_PER_HOUR,
  };
}

/** Verification dependencies of the running app for one request, from configuration. */
export function appVerificationDeps(clientAddress: string | null): VerificationDeps {
  const config = env();
  return {
    verifier: smsProvider(),
    allowedCountries: config.SMS_ALLOWED_COUNTRIES,
    limits: verificationLimits(config),
    clientAddress,
    programName: config.SMS_PROGRAM_NAME,
    now: () => new Date(),
  };
}
