import { DateTime } from "luxon";
import { Browser, CallError, executorApi, sandboxApi } from "./api";
import type { Profile } from "./profiles";
import { seededRandom, type Random } from "./random";
import { RunRecord, type QuietPrefs, type SoakUser } from "./record";
import { ADMIN, type Stack } from "./stack";

/**
 * The users and the work of a run, all through public surfaces: users sign up and verify their
 * phone through the real flow, set their zone, cap and quiet hours (relative to the real clock,
 * so the windows open and close during the run), add tasks (reminders from the cron) and turn
 * on the daily brief; an admin sends texts (now, or scheduled); users cancel texts (some timed
 * to race their wake-up), reply STOP/START/HELP, change zone, quiet hours and number while
 * texts are held.
 */

/** Whole-hour and ±30/45-minute offsets, both hemispheres. */
export const ZONES = [
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Adelaide",
  "America/St_Johns",
  "Pacific/Chatham",
  "America/New_York",
  "Europe/London",
  "America/Los_Angeles",
  "Australia/Eucla",
  "Asia/Tokyo",
  "America/Sao_Paulo",
  "UTC",
] as const;

const AREA_CODES = ["206", "312", "415", "617", "303", "212", "213", "305", "404", "512", "503", "602", "702", "718", "801", "816", "919", "214"];
/** A valid US number the sandbox delivers to (555-01xx numbers are set aside for fiction). */
export function phoneNumber(n: number): string {
  return `+1${AREA_CODES[Math.floor(n / 100) % AREA_CODES.length]}55501${String(n % 100).padStart(2, "0")}`;
}

const TEMPLATES = {
  task_reminder: { task_name: "Pour the slab", due_time: "at 9", task_context: "Site B" },
  urgent_task: { task_name: "Crane inspection", due_date: "today" },
  daily_brief_ready: { main_focus: "Framing" },
} as const;
type TemplateKey = keyof typeof TEMPLATES;

export interface Action {
  /** ms after the work starts. */
  at: number;
  name: string;
  run: () => Promise<void>;
}

const localClock = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("HH:mm");
const MINUTE = 60_000;

export class Workload {
  readonly record = new RunRecord();
  private readonly browsers = new Map<string, Browser>();
  private readonly admin: Browser;
  private readonly sandbox: ReturnType<typeof sandboxApi>;
  private readonly engine: ReturnType<typeof executorApi>;
  private nextPhone = 0;
  /** Draws made while the run goes (their order depends on timing); the plan uses `random` only, in order. */
  private readonly live: Random;

  constructor(
    private readonly stack: Stack,
    private readonly profile: Profile,
    private readonly random: Random,
  ) {
    this.admin = new Browser(stack.frontUrl);
    this.sandbox = sandboxApi(stack.sandboxUrl);
    this.engine = executorApi(stack.executorUrl, stack.eventKey);
    this.live = seededRandom(profile.seed + 1);
  }

  /** Retries calls refused, cut off or answered 5xx (about 14 s in all; setup runs before the faults). */
  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const retriable = error instanceof CallError && (error.status === null || error.status >= 500);
        if (!retriable || attempt >= 8) throw new Error(`${what}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async setUp(workStartsAt: number): Promise<void> {
    await this.admin.auth("sign-in/email", ADMIN);
    const queue = Array.from({ length: this.profile.users }, (_, i) => this.drawUser(i, workStartsAt));
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await this.setUpUser(next);
      }),
    );
  }

  private async verifyPhone(browser: Browser, phone: string) {
    await browser.mutation("sms.sendCode", { country: "US", phone });
    const { code } = await this.sandbox.code(phone);
    await browser.mutation("sms.verifyCode", { code });
  }

  /** One user's settings, drawn in order before the concurrent sign-ups. */
  private drawUser(i: number, workStartsAt: number) {
    const r = this.random;
    const timeZone = ZONES[i % ZONES.length]!;
    const duration = this.profile.durationS * 1000;
    // Quiet hours: most users get a window that opens and closes during the work (some already open).
    const quiet = r.chance(0.75);
    const opens = workStartsAt + r.int(-MINUTE, Math.floor(duration * 0.6));
    const closes = Math.min(opens + r.int(MINUTE, 3 * MINUTE), workStartsAt + duration + 30_000);
    const start = localClock(Math.ceil(opens / MINUTE) * MINUTE, timeZone);
    let end = localClock(Math.ceil(closes / MINUTE) * MINUTE, timeZone);
    if (end === start) end = localClock(Math.ceil(closes / MINUTE) * MINUTE + MINUTE, timeZone);
    const prefs = {
      timeZone,
      dailyCap: r.int(4, 12),
      quietHoursEnabled: quiet,
      quietHoursStart: start,
      quietHoursEnd: end,
      dailyBrief: r.chance(0.5),
      dailyBriefTime: localClock(workStartsAt + r.int(1, Math.max(2, Math.ceil(duration / MINUTE))) * MINUTE, timeZone),
      reminderLeadMinutes: 30,
    };
    // Tasks due soon: the reminder cron requests them at its next tick.
    const tasks = Array.from({ length: r.int(1, 2) }, (_, t) => ({
      title: `Soak task ${i}.${t}`,
      dueAt: new Date(workStartsAt + r.int(8, 25) * MINUTE),
      priority: r.pick(["normal", "high"] as const),
    }));
    return { i, phone: phoneNumber(this.nextPhone++), prefs, tasks };
  }

  private async setUpUser({ i, phone, prefs, tasks }: ReturnType<Workload["drawUser"]>) {
    const browser = new Browser(this.stack.frontUrl);
    const email = `soak-${i}@soak.test`;
    const { user } = await this.retrying("sign-up", () => browser.auth("sign-up/email", { name: `Soak ${i}`, email, password: "soak-password-1" }));
    await this.retrying("verify", () => this.verifyPhone(browser, phone));
    this.browsers.set(user.id, browser);
    const soakUser: SoakUser = { id: user.id, email, phone, timeZone: prefs.timeZone, dailyCap: prefs.dailyCap };
    this.record.users.set(user.id, soakUser);
    await this.setPrefs(user.id, browser, prefs);
    for (const task of tasks) await this.retrying("task", () => browser.mutation("tasks.create", task));
  }

  /** Sets preferences and logs the quiet-hours rule with the span it took effect in. */
  private async setPrefs(userId: string, browser: Browser, update: Record<string, unknown>): Promise<void> {
    const from = Date.now();
    let result: QuietPrefs;
    try {
      result = await browser.mutation<QuietPrefs>("preferences.update", update);
    } catch (error) {
      if (!(error instanceof CallError) || !error.ambiguous) throw error;
      // Cut off: read back what is in force now.
      result = await this.retrying("preferences.get", () => browser.query<QuietPrefs>("preferences.get"));
    }
    const prefs: QuietPrefs = {
      quietHoursEnabled: result.quietHoursEnabled,
      quietHoursStart: result.quietHoursStart,
      quietHoursEnd: result.quietHoursEnd,
      timeZone: result.timeZone,
    };
    this.record.prefs.push({ userId, from, to: Date.now(), prefs });
    const user = this.record.users.get(userId);
    if (user) user.timeZone = prefs.timeZone;
  }

  /** Quiet hours from a minute ago to a minute or two from now: whatever waits must wait again. */
  private async quietNow(userId: string, closeBy: number) {
    const zone = this.record.users.get(userId)!.timeZone;
    const now = Date.now();
    const start = localClock(Math.floor(now / MINUTE) * MINUTE - MINUTE, zone);
    const end = localClock(Math.min(Math.ceil(now / MINUTE) * MINUTE + this.live.int(1, 2) * MINUTE, Math.ceil(closeBy / MINUTE) * MINUTE), zone);
    await this.setPrefs(userId, this.browsers.get(userId)!, { quietHoursEnabled: true, quietHoursStart: start, quietHoursEnd: end });
  }

  /** The timed work of the run. */
  plan(workStartsAt: number): Action[] {
    const r = this.random;
    const duration = this.profile.durationS * 1000;
    const users = [...this.record.users.values()];
    const actions: Action[] = [];
    const recent: string[] = [];

    // Bursts a few seconds before minute boundaries, when quiet windows open: the throttled
    // dispatch queue is still draining when a window opens (and a user's STOP or new quiet hours
    // land while their texts wait in it).
    const burstTimes: number[] = [];
    for (let boundary = Math.ceil(workStartsAt / MINUTE) * MINUTE; boundary < workStartsAt + duration * 0.85; boundary += MINUTE) {
      burstTimes.push(boundary - workStartsAt - r.int(2_000, 5_000));
    }
    const textTime = () => {
      const burst = burstTimes.length > 0 && r.chance(0.4) ? r.pick(burstTimes) : null;
      return burst !== null && burst >= 0 ? burst + r.int(0, 1_500) : r.int(0, Math.floor(duration * 0.85));
    };
    for (const burst of burstTimes.filter((t) => t >= 0)) {
      const user = r.pick(users);
      actions.push({ at: burst + r.int(2_000, 6_000), name: "prefs-quiet-now", run: () => this.quietNow(user.id, workStartsAt + duration) });
    }

    for (let n = 0; n < this.profile.texts; n++) {
      const at = textTime();
      const user = r.pick(users);
      const templateKey = r.pick<TemplateKey>(["task_reminder", "task_reminder", "task_reminder", "task_reminder", "urgent_task", "daily_brief_ready"]);
      const scheduledIn = r.chance(0.25) ? r.int(5_000, 40_000) : null;
      const cancel = r.chance(0.12) ? (scheduledIn !== null && r.chance(0.6) ? scheduledIn + r.int(-300, 300) : r.int(0, 2_000)) : null;
      actions.push({
        at,
        name: "text",
        run: async () => {
          const requestedAt = Date.now();
          const scheduledFor = scheduledIn === null ? undefined : new Date(requestedAt + scheduledIn);
          const { messageId } = await this.admin
            .mutation<{ messageId: string }>("admin.messages.testSend", {
              userId: user.id,
              templateKey,
              variables: TEMPLATES[templateKey],
              ...(scheduledFor ? { scheduledFor } : {}),
            })
            .catch((error: unknown) => {
              if (error instanceof CallError) this.record.testSendFailures[error.status === null ? "cutOff" : "answered"] += 1;
              throw error;
            });
          this.record.requested.push({ messageId, userId: user.id, at: requestedAt });
          recent.push(messageId);
          if (recent.length > 50) recent.shift();
          if (cancel !== null) {
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, requestedAt + cancel - Date.now())));
            const cancelAt = Date.now();
            const ok = await this.browsers
              .get(user.id)!
              .mutation("messages.cancel", { id: messageId })
              .then(() => true)
              .catch(() => false);
            this.record.cancels.push({ messageId, at: cancelAt, ok });
          }
        },
      });
    }

    // Replies from phones: STOP (then START, mostly) and HELP.
    const repliers = Math.max(2, Math.round(users.length * 0.3));
    for (let k = 0; k < repliers; k++) {
      const user = users[(k * 7) % users.length]!;
      const stopAt = r.int(Math.floor(duration * 0.1), Math.floor(duration * 0.6));
      const startAfter = r.chance(0.8) ? r.int(8_000, 30_000) : null;
      const stopWord = r.pick(["STOP", "stop", "Unsubscribe"]);
      const helper = r.pick(users);
      actions.push({
        at: stopAt,
        name: "stop",
        run: async () => {
          const { responseStatus } = await this.sandbox.inbound(user.phone, stopWord);
          // Only a STOP the app answered is known to have reached it (else Twilio's 21610 guards the number).
          const window = { userId: user.id, phone: user.phone, stoppedAt: Date.now(), startedAt: null as number | null };
          if (responseStatus === 200) this.record.optWindows.push(window);
          else this.record.note("STOP not answered by the app (Twilio's opt-out list guards it)");
          if (startAfter !== null) {
            await new Promise((resolve) => setTimeout(resolve, startAfter));
            window.startedAt = Date.now();
            await this.sandbox.inbound(user.phone, "START");
          }
        },
      });
      actions.push({ at: r.int(0, duration), name: "help", run: async () => void (await this.sandbox.inbound(helper.phone, "HELP")) });
    }

    // Preference changes while texts are held: zone, quiet hours (new window now, or off).
    const changes = Math.max(4, Math.round(users.length * 0.5));
    for (let k = 0; k < changes; k++) {
      const user = r.pick(users);
      const at = r.int(Math.floor(duration * 0.1), Math.floor(duration * 0.8));
      const kind = r.pick(["zone", "quiet-now", "quiet-off", "quiet-later"] as const);
      const newZone = r.pick(ZONES);
      const [a, b] = [r.int(-MINUTE, MINUTE), r.int(MINUTE, 2 * MINUTE)];
      actions.push({
        at,
        name: `prefs-${kind}`,
        run: async () => {
          const browser = this.browsers.get(user.id)!;
          const now = Date.now();
          const zone = this.record.users.get(user.id)!.timeZone;
          if (kind === "zone") {
            // The same wall-clock window would land anywhere in the new zone: the window (and the
            // brief's time) move with it, so they still open and close during the run.
            const timeZone = newZone === zone ? "Pacific/Chatham" : newZone;
            const opens = now + a;
            const closes = Math.min(now + b, workStartsAt + duration + 30_000);
            const start = localClock(Math.ceil(opens / MINUTE) * MINUTE, timeZone);
            let end = localClock(Math.ceil(closes / MINUTE) * MINUTE, timeZone);
            if (end === start) end = localClock(Math.ceil(closes / MINUTE) * MINUTE + MINUTE, timeZone);
            await this.setPrefs(user.id, browser, {
              timeZone,
              quietHoursStart: start,
              quietHoursEnd: end,
              dailyBriefTime: localClock(now + 2 * MINUTE, timeZone),
            });
          } else if (kind === "quiet-off") {
            await this.setPrefs(user.id, browser, { quietHoursEnabled: false });
          } else {
            const opens = kind === "quiet-now" ? now - MINUTE : now + b;
            const closes = Math.min(now + b + (kind === "quiet-later" ? 2 * MINUTE : 0), workStartsAt + duration + 30_000);
            const start = localClock(Math.floor(opens / MINUTE) * MINUTE, zone);
            let end = localClock(Math.ceil(closes / MINUTE) * MINUTE, zone);
            if (end === start) end = localClock(Math.ceil(closes / MINUTE) * MINUTE + MINUTE, zone);
            await this.setPrefs(user.id, browser, { quietHoursEnabled: true, quietHoursStart: start, quietHoursEnd: end });
          }
        },
      });
    }

    // A number change while a text is held.
    const changers = Math.max(1, Math.round(users.length * 0.08));
    for (let k = 0; k < changers; k++) {
      const user = users[(k * 5 + 3) % users.length]!;
      actions.push({
        at: r.int(Math.floor(duration * 0.2), Math.floor(duration * 0.7)),
        name: "number-change",
        run: async () => {
          const browser = this.browsers.get(user.id)!;
          const soakUser = this.record.users.get(user.id)!;
          const newPhone = phoneNumber(this.nextPhone++);
          await browser.mutation("sms.sendCode", { country: "US", phone: newPhone });
          this.record.numberChanges.push({ userId: user.id, oldPhone: soakUser.phone, newPhone, at: Date.now() });
          soakUser.phone = newPhone;
          const { code } = await this.sandbox.code(newPhone);
          await browser.mutation("sms.verifyCode", { code });
        },
      });
    }

    // Two runs for one message, as an engine delivering an event twice would start them: they
    // race (through the front, on either instance) for the same claim, or the same cap slot.
    const race = (kind: "claim_race" | "cap_race", count: number) => {
      for (let k = 0; k < count; k++) {
        actions.push({
          at: r.int(Math.floor(duration * 0.05), Math.floor(duration * 0.9)),
          name: kind,
          run: async () => {
            const messageId = recent.at(-1 - this.live.int(0, Math.min(5, Math.max(0, recent.length - 1))));
            if (!messageId) return;
            const name = kind === "claim_race" ? "sms/message.queued" : "sms/message.requested";
            // The engine may be down (killed): a sender retries until it takes the event.
            await this.retrying(kind, () => this.engine.send({ name, data: { messageId }, id: `soak-${kind}:${messageId}:${k}` }));
            this.record.fault(kind);
          },
        });
      }
    };
    race("claim_race", this.profile.faults.claim_race);
    race("cap_race", this.profile.faults.cap_race);

    return actions.sort((a, b) => a.at - b.at);
  }
}
