/** CTIA-style auto replies. The program name comes first so people know who is texting. */
export interface ProgramInfo {
  name: string;
  supportUrl: string;
}

export function helpReply(program: ProgramInfo): string {
  return `${program.name}: task reminders, daily briefs and urgent alerts you choose; how many per day is up to you in settings. Msg & data rates may apply. Reply STOP to cancel. Help: ${program.supportUrl}`;
}

export function stopReply(program: ProgramInfo): string {
  return `${program.name}: You are unsubscribed and will not receive any more messages. Reply START to resubscribe.`;
}

export function startReply(program: ProgramInfo): string {
  return `${program.name}: You are subscribed again. Msg & data rates may apply. Reply HELP for help, STOP to cancel.`;
}
