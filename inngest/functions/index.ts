import type { InngestFunction } from "inngest";
import { appDispatchDeps, appReconcileDeps } from "@/server/sms/app-deps";
import { inngest } from "../client";
import { createDispatchMessageFunction } from "./dispatch-message";
import { createReconcileMessagesFunction } from "./reconcile-messages";

/** Every function the app serves; each is a thin adapter over a server/ service. */
export const functions: InngestFunction.Any[] = [
  createDispatchMessageFunction(inngest, appDispatchDeps),
  createReconcileMessagesFunction(inngest, appReconcileDeps),
];
