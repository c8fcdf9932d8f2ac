import { z } from "zod";

/** A text, by id: the user's own (messages router) or any (the admin console's). */
export const messageIdSchema = z.object({ id: z.uuid({ message: "Not a message id" }) }).strict();
