import type { smsEventSource } from "@/db/schema";
import type { Actor } from "../service-context";

export type EventSource = (typeof smsEventSource.enumValues)[number];

/** The `sms_message_events.source` of a change an actor made (Twilio's own are `callback`). */
export function eventSourceOf(actor: Actor): EventSource {
  switch (actor.type) {
    case "user":
      return "api";
    case "admin":
      return "admin";
    case "system":
      return "system";
    case "webhook":
      return "callback";
  }
}
