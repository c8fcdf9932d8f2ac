import { DomainError } from "../errors";
import type { AdminActor, ServiceContext } from "../service-context";
import { clientOf, guarded, type SandboxPhoneDeps } from "./deps";
import type { SandboxFaultsPatch, SandboxReply } from "./schema";

/** Sends a text from a sandbox number to the app (STOP, START, HELP or anything), as Twilio would. */
export async function replyAsSandboxNumber(_ctx: ServiceContext<AdminActor>, deps: SandboxPhoneDeps, input: SandboxReply) {
  const client = clientOf(deps);
  const record = await guarded(() => client.inbound(input));
  if (record.error) throw new DomainError("PRECONDITION_FAILED", `The sandbox could not deliver the reply: ${record.error}`);
  return { replies: record.replies, appStatus: record.responseStatus };
}

/** Switches the sandbox's faults for the next message creates, so anyone can watch the pipeline recover. */
export async function setSandboxFaults(_ctx: ServiceContext<AdminActor>, deps: SandboxPhoneDeps, patch: SandboxFaultsPatch) {
  const client = clientOf(deps);
  const { faults } = await guarded(() => client.setFaults(patch));
  const { serverErrors, rateLimits, retryAfterSeconds, dropConnections } = faults;
  return { serverErrors, rateLimits, retryAfterSeconds, dropConnections };
}
