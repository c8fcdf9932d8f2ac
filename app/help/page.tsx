export const metadata = { title: "SMS help · BuildOS SMS" };

export default function HelpPage() {
  return (
    <article className="prose mx-auto max-w-2xl space-y-4 text-slate-700">
      <h1 className="text-2xl font-semibold text-slate-900">BuildOS SMS help</h1>
      <p>
        BuildOS SMS texts you the task reminders, daily briefs and urgent alerts you turn on in your settings. You choose
        the categories, your quiet hours and how many texts a day you get at most.
      </p>
      <p>Message and data rates may apply.</p>
      <h2 className="text-lg font-semibold text-slate-900">Keywords</h2>
      <ul className="list-disc pl-6">
        <li>
          <strong>STOP</strong> (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT): no more texts.
        </li>
        <li>
          <strong>START</strong> (or YES, UNSTOP): texts resume.
        </li>
        <li>
          <strong>HELP</strong> (or INFO): this information by text.
        </li>
      </ul>
    </article>
  );
}
