import { env } from "../../../config/env";
import { sandboxFaultsPatchSchema, sandboxReplySchema } from "../../../sandbox-phone/schema";
import { sandboxPhoneOverview } from "../../../sandbox-phone/admin-queries";
import { replyAsSandboxNumber, setSandboxFaults } from "../../../sandbox-phone/admin-service";
import { sandboxPhoneDeps } from "../../../sandbox-phone/deps";
import { adminProcedure, router } from "../../procedures";

export const adminSandboxRouter = router({
  overview: adminProcedure.query(({ ctx }) => sandboxPhoneOverview(ctx.service, sandboxPhoneDeps(env()))),
  reply: adminProcedure.input(sandboxReplySchema).mutation(({ ctx, input }) => replyAsSandboxNumber(ctx.service, sandboxPhoneDeps(env()), input)),
  setFaults: adminProcedure
    .input(sandboxFaultsPatchSchema)
    .mutation(({ ctx, input }) => setSandboxFaults(ctx.service, sandboxPhoneDeps(env()), input)),
});
