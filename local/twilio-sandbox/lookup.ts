import { twilioErrors } from "./errors";
import { json, type Reply, type TwilioRequest } from "./http";
import { isE164 } from "./phone";

/**
 * Lookup v2 (`GET /v2/PhoneNumbers/{number}?Fields=line_type_intelligence`) for the sandbox's
 * numbering plan, so the app's line-type check runs against something that answers like Twilio.
 * Documented in README.md ("Lookup"); keep both in step:
 *   +1 NPA 555-02xx  landline
 *   +1 NPA 555-03xx  fixedVoip
 *   +1 NPA 555-04xx  nonFixedVoip
 *   +1 8xx …         tollFree (800, 833, 844, 855, 866, 877, 888)
 *   anything else    mobile
 */
export type SandboxLineType = "mobile" | "landline" | "fixedVoip" | "nonFixedVoip" | "tollFree";

const TOLL_FREE_AREA_CODES = new Set(["800", "833", "844", "855", "866", "877", "888"]);
const BY_EXCHANGE: Record<string, SandboxLineType> = { "55502": "landline", "55503": "fixedVoip", "55504": "nonFixedVoip" };

export function sandboxLineType(e164: string): SandboxLineType {
  if (e164.startsWith("+1") && e164.length === 12) {
    if (TOLL_FREE_AREA_CODES.has(e164.slice(2, 5))) return "tollFree";
    const type = BY_EXCHANGE[e164.slice(5, 10)];
    if (type) return type;
  }
  return "mobile";
}

/** GET /v2/PhoneNumbers/{PhoneNumber} */
export function lookupPhoneNumber(_ctx: unknown, req: TwilioRequest): Reply {
  const number = decodeURIComponent(req.params[0] ?? "");
  if (!isE164(number)) throw twilioErrors.notFound(req.path);
  const fields = (req.query.get("Fields") ?? "").split(",").map((f) => f.trim());
  const type = sandboxLineType(number);
  return json(200, {
    calling_country_code: number.startsWith("+1") ? "1" : null,
    country_code: number.startsWith("+1") ? "US" : null,
    phone_number: number,
    national_format: number,
    valid: true,
    validation_errors: [],
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    line_type_intelligence: fields.includes("line_type_intelligence")
      ? { error_code: null, mobile_country_code: type === "mobile" ? "310" : null, mobile_network_code: type === "mobile" ? "999" : null, carrier_name: "Sandbox Wireless", type }
      : null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: `https://lookups.twilio.com/v2/PhoneNumbers/${number}`,
  });
}
