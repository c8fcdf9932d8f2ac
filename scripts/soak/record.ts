/**
 * What the soak did and when, kept to judge the run afterwards: every preference the soak set
 * (with the span in which it took effect), every STOP/START that reached the app, number
 * changes, cancels, and the faults injected by kind.
 */
import type { FaultKind } from "./profiles";

export interface QuietPrefs {
  quietHoursEnabled: boolean;
  quietHoursStart: string;
  quietHoursEnd: string;
  timeZone: string;
}

export interface PrefChange {
  userId: string;
  /** The request left the soak: the change may be in force from here… */
  from: number;
  /** …and is in force from here (the answer came back, or the state was read back). */
  to: number;
  prefs: QuietPrefs;
}

export interface OptWindow {
  userId: string;
  phone: string;
  /** The app answered the STOP webhook: committed by then. */
  stoppedAt: number;
  /** A START was sent to the app (texts may go again from here), or null. */
  startedAt: number | null;
}

export interface NumberChange {
  userId: string;
  oldPhone: string;
  newPhone: string;
  /** The app answered the request for a code to the new number: the old one was no longer the user's by then. */
  at: number;
}

export interface SoakUser {
  id: string;
  email: string;
  phone: string;
  timeZone: string;
  dailyCap: number;
}

export class RunRecord {
  readonly users = new Map<string, SoakUser>();
  readonly prefs: PrefChange[] = [];
  readonly optWindows: OptWindow[] = [];
  readonly numberChanges: NumberChange[] = [];
  /** Message ids the soak requested directly, and those it asked to cancel (with the answer). */
  readonly requested: Array<{ messageId: string; userId: string; at: number }> = [];
  readonly cancels: Array<{ messageId: string; at: number; ok: boolean }> = [];
  /** Test sends that failed: answered with an error status, or cut off (may or may not have happened). */
  readonly testSendFailures = { answered: 0, cutOff: 0 };
  readonly faults = new Map<FaultKind, number>();
  readonly notes = new Map<string, number>();

  fault(kind: FaultKind, n = 1) {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + n);
  }

  note(what: string, n = 1) {
    this.notes.set(what, (this.notes.get(what) ?? 0) + n);
  }
}
