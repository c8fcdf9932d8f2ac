import { z } from "zod";

/** The number a user types to have a code sent, with the country chosen beside it (checked further by phone-number.ts). */
export const sendCodeSchema = z
  .object({
    country: z.string({ message: "Choose a country from the list" }).max(2, "Choose a country from the list"),
    phone: z.string({ message: "Enter your phone number" }).max(40, "This phone number is too long"),
  })
  .strict();

/** The code from the text. */
export const verifyCodeSchema = z
  .object({ code: z.string({ message: "Enter the code from the text" }).max(20, "Enter the code from the text") })
  .strict();
