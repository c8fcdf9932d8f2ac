import type { InngestFunction } from "inngest";

/** Every function the app serves; each is a thin adapter over a server/ service. */
export const functions: InngestFunction.Any[] = [];
