import { SMS_KEYWORDS } from "@/common/limits";

const others = (words: readonly string[]) => words.slice(1).join(", ");

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
          <strong>{SMS_KEYWORDS.stop[0]}</strong> (or {others(SMS_KEYWORDS.stop)}): no more texts.
        </li>
        <li>
          <strong>{SMS_KEYWORDS.start[0]}</strong> (or {others(SMS_KEYWORDS.start)}): texts resume.
        </li>
        <li>
          <strong>{SMS_KEYWORDS.help[0]}</strong> (or {others(SMS_KEYWORDS.help)}): this information by text.
        </li>
      </ul>
    </article>
  );
}
