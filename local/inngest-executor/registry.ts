import type { FunctionDefinition } from "./function-config";
import { eventNameMatches } from "./function-config";

/** The synced functions, by composite id (`appId-fnId`), kept in memory for routing and calls. */
export class FunctionRegistry {
  private readonly byId = new Map<string, FunctionDefinition>();

  get(functionId: string): FunctionDefinition | undefined {
    return this.byId.get(functionId);
  }

  all(): FunctionDefinition[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Replaces every function of one app (an app sync is always the full list). */
  replaceApp(appId: string, functions: readonly FunctionDefinition[]): void {
    for (const [id, fn] of this.byId) if (fn.appId === appId) this.byId.delete(id);
    for (const fn of functions) this.byId.set(fn.id, fn);
  }

  triggeredBy(eventName: string): { fn: FunctionDefinition; expression: string | null }[] {
    const matches: { fn: FunctionDefinition; expression: string | null }[] = [];
    for (const fn of this.all()) {
      for (const trigger of fn.eventTriggers) {
        if (eventNameMatches(trigger.event, eventName)) matches.push({ fn, expression: trigger.expression });
      }
    }
    return matches;
  }

  cancellableBy(eventName: string): { fn: FunctionDefinition; cancel: FunctionDefinition["cancel"][number] }[] {
    return this.all().flatMap((fn) =>
      fn.cancel.filter((cancel) => cancel.event === eventName).map((cancel) => ({ fn, cancel })),
    );
  }
}
