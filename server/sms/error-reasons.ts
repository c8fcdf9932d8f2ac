/**
 * Why a text did not arrive, in words a user or an admin understands without looking the code
 * up. One home: dispatch (a refused send) and status callbacks (a failed delivery) both record
 * `fail_reason` from here; the code itself is kept beside it in `error_code`.
 */
const PLAIN_REASONS: Readonly<Record<number, string>> = {
  21211: "The phone number is not a valid number.",
  21408: "Texts to this country or region are not enabled for our account.",
  21610: "The recipient replied STOP, so texts to this number are blocked until they reply START.",
  21612: "This number cannot be reached from our sending number.",
  21614: "The number is not a mobile number, so it cannot receive texts.",
  21617: "The text was longer than 1,600 characters.",
  30003: "The phone was switched off or out of coverage, and the text could not be delivered.",
  30004: "The recipient or their carrier blocked the text.",
  30005: "The number is unknown or no longer in service.",
  30006: "The number is a landline or its carrier cannot receive texts.",
  30007: "The carrier filtered the text as spam.",
  30008: "The carrier could not deliver the text and gave no reason.",
  30034: "Our sending number is not registered for US texting (A2P 10DLC).",
  30036: "The text waited too long in the sending queue and expired rather than arrive late.",
};

/** The plain-words reason for a Twilio error code, or null when we have none. */
export function plainFailureReason(code: number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return PLAIN_REASONS[code] ?? null;
}
