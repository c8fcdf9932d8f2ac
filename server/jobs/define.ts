import { crossBundleError } from "../cross-bundle";
import { z } from "zod";

/** An event that starts durable work; `id` lets the engine drop a repeat of the same event. */
export interface JobEvent<N extends string = string, D = unknown> {
  name: N;
  data: D;
  id?: string;
}

/** Where services put durable work. The app's is the Inngest client; tests inject their own. */
export interface JobSender {
  send(events: JobEvent[]): Promise<void>;
}

/** A payload that does not match its job's schema: a bug in the sender, never worth a retry. */
export class JobPayloadError extends crossBundleError("JobPayloadError") {
  constructor(eventName: string, issues: string) {
    super(`bad ${eventName} event: ${issues}`);
  }
}

/**
 * Inngest takes at most 5,000 events (and 3 MB) per send. 1,000 keeps any payload of ours well
 * under that, and lets a cron hand over one batch of 1,000 texts in one send.
 */
export const EVENTS_PER_SEND = 1_000;

/**
 * An event with its schema: what server code sends and functions parse. Events that only steer
 * runs (a cancel signal) are defined with this; events that start a function with `defineJob`.
 */
export function defineEvent<const N extends string, S extends z.ZodType>(definition: {
  eventName: N;
  schema: S;
  description: string;
}) {
  const { eventName, schema } = definition;
  const event = (data: z.input<S>, options: { id?: string } = {}): JobEvent<N, z.output<S>> => ({
    name: eventName,
    data: schema.parse(data),
    ...(options.id ? { id: options.id } : {}),
  });
  return {
    ...definition,
    event,
    /** Reads an incoming event's data; throws JobPayloadError when it does not match. */
    parse(data: unknown): z.output<S> {
      const parsed = schema.safeParse(data);
      if (!parsed.success) throw new JobPayloadError(eventName, z.prettifyError(parsed.error));
      return parsed.data;
    },
    async trigger(jobs: JobSender, data: z.input<S>, options: { id?: string } = {}) {
      await jobs.send([event(data, options)]);
    },
    /** Many at once, in as few sends as the engine allows. */
    async triggerMany(jobs: JobSender, items: { data: z.input<S>; id?: string }[]) {
      for (let i = 0; i < items.length; i += EVENTS_PER_SEND) {
        await jobs.send(items.slice(i, i + EVENTS_PER_SEND).map((item) => event(item.data, { id: item.id })));
      }
    },
  };
}

/**
 * One durable job: the id of the function that runs it, the event that triggers it and the
 * schema of that event's data. Server code triggers jobs through the definition; `inngest/`
 * wires each definition to its function. The contract lives here, once.
 */
export function defineJob<const N extends string, S extends z.ZodType>(definition: {
  /** The Inngest function id (the app id is prefixed by the SDK). */
  id: string;
  eventName: N;
  schema: S;
  description: string;
}) {
  return { ...defineEvent(definition), id: definition.id };
}

export type JobDefinition = ReturnType<typeof defineJob>;
