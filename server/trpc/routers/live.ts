import { liveEvents } from "../../live/stream";
import { protectedProcedure, router } from "../procedures";

/**
 * Server-sent events telling a signed-in page when its data changed (see docs/ARCHITECTURE.md,
 * "Live pages"). Only the signal travels: the page then reads again through its usual queries,
 * which apply every scope and permission as for any other read.
 */
export const liveRouter = router({
  /** The signed-in user's own texts and phone/opt-out state. */
  mine: protectedProcedure.subscription(({ ctx, signal }) => {
    const self = ctx.user.id;
    return liveEvents(ctx.live, (userId) => userId === self, signal);
  }),
});
