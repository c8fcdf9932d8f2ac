import { z } from "zod";
import {
  checkPhoneVerification,
  getSmsStatus,
  optBackIn,
  optOutOfTexts,
  startPhoneVerification,
} from "../../verification/service";
import { protectedProcedure, router } from "../procedures";

/** The user's phone number, its verification and opt-out: every write goes through server/verification. */
export const smsRouter = router({
  status: protectedProcedure.query(({ ctx }) => getSmsStatus(ctx.service, ctx.verification)),
  sendCode: protectedProcedure
    .input(
      z
        .object({
          country: z.string({ message: "Choose a country from the list" }).max(2, "Choose a country from the list"),
          phone: z.string({ message: "Enter your phone number" }).max(40, "This phone number is too long"),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => startPhoneVerification(ctx.service, ctx.verification, input)),
  verifyCode: protectedProcedure
    .input(z.object({ code: z.string({ message: "Enter the code from the text" }).max(20, "Enter the code from the text") }).strict())
    .mutation(({ ctx, input }) => checkPhoneVerification(ctx.service, ctx.verification, input)),
  optOut: protectedProcedure.mutation(({ ctx }) => optOutOfTexts(ctx.service, ctx.verification)),
  optIn: protectedProcedure.mutation(({ ctx }) => optBackIn(ctx.service, ctx.verification)),
});
