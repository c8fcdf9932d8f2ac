import type { InngestFunction } from "inngest";
import { appDispatchDeps } from "@/server/sms/app-deps";
import { inngest } from "../client";
import { createDispatchMessageFunction } from "./dispatch-message";

/** Every function the app serves; each is a thin adapter over a server/ service. */
export const functions: InngestFunction.Any[] = [createDispatchMessageFunction(inngest, appDispatchDeps)];
