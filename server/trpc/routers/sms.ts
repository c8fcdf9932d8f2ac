import {
  checkPhoneVerification,
  getSmsStatus,
  optBackIn,
  optOutOfTexts,
  startPhoneVerification,
} from "../../verification/service";
import { sendCodeSchema, verifyCodeSchema } from "../../verification/schema";
import { protectedProcedure, router } from "../procedures";

/** The user's phone number, its verification and opt-out: every write goes through server/verification. */
export const smsRouter = router({
  status: protectedProcedure.query(({ ctx }) => getSmsStatus(ctx.service, ctx.verification)),
  sendCode: protectedProcedure
    .input(sendCodeSchema)
    .mutation(({ ctx, input }) => startPhoneVerification(ctx.service, ctx.verification, input)),
  verifyCode: protectedProcedure
    .input(verifyCodeSchema)
    .mutation(({ ctx, input }) => checkPhoneVerification(ctx.service, ctx.verification, input)),
  optOut: protectedProcedure.mutation(({ ctx }) => optOutOfTexts(ctx.service, ctx.verification)),
  optIn: protectedProcedure.mutation(({ ctx }) => optBackIn(ctx.service, ctx.verification)),
});
