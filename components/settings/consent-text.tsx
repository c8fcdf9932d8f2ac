/**
 * What the user agrees to, beside every control that opts them in (CTIA: program, what and how
 * often, rates, HELP, STOP). `action` names the button it sits beside.
 */
export function ConsentText({ programName, action }: { programName: string; action: string }) {
  return (
    <p className="text-xs leading-5 text-slate-600" data-testid="consent-text">
      By choosing <strong>{action}</strong> you agree to receive texts from {programName} at this number: the task reminders,
      daily briefs and urgent alerts you turn on below, up to your daily limit. Message frequency varies. Msg &amp; data rates may
      apply. Reply HELP for help, STOP to cancel. Consent is not a condition of any purchase.
    </p>
  );
}
