import { SegmentedMessage } from "sms-segments-calculator";

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface BodyMeasure {
  numSegments: number;
  encoding: SmsEncoding;
  /** Characters as Twilio counts them for the 1,600 limit (Unicode code points). */
  length: number;
}

export function measureBody(body: string): BodyMeasure {
  const message = new SegmentedMessage(body, "auto");
  return {
    numSegments: message.segmentsCount,
    encoding: message.encodingName,
    length: [...body].length,
  };
}
