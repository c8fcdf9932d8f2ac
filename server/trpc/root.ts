import { createCallerFactory, router } from "./procedures";
import { adminRouter } from "./routers/admin";
import { liveRouter } from "./routers/live";
import { messagesRouter } from "./routers/messages";
import { preferencesRouter } from "./routers/preferences";
import { sessionRouter } from "./routers/session";
import { smsRouter } from "./routers/sms";
import { tasksRouter } from "./routers/tasks";

export const appRouter = router({
  session: sessionRouter,
  preferences: preferencesRouter,
  sms: smsRouter,
  messages: messagesRouter,
  tasks: tasksRouter,
  admin: adminRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
