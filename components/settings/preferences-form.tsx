"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { DAILY_CAP_MAX, DAILY_CAP_MIN, REMINDER_LEAD_MINUTES, SNOOZE_MINUTES } from "@/common/limits";
import { browserTimeZone } from "@/common/time-zones";
import { useTRPC } from "../trpc/client";
import { errorMessage, fieldErrors } from "../trpc/errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Checkbox, SelectField, TextField } from "../ui/field";
import { Alert, Loading } from "../ui/states";
import { TimeZonePicker } from "./time-zone-picker";

/** What the user gets texted, when, and how many: every label here is the name its error messages use. */
export function PreferencesForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.preferences.get.queryOptions());
  const [saved, setSaved] = useState(false);
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const setPreferences = (data: NonNullable<typeof preferences.data>) => {
    queryClient.setQueryData(trpc.preferences.get.queryKey(), data);
    setTimeZone(data.timeZone);
  };
  const update = useMutation(
    trpc.preferences.update.mutationOptions({
      onSuccess: (data) => {
        setPreferences(data);
        setSaved(true);
      },
    }),
  );
  const adopt = useMutation(trpc.preferences.adoptDetectedTimeZone.mutationOptions({ onSuccess: setPreferences }));

  // First visit: the stored zone is only a placeholder until the browser's own zone replaces it.
  const adoptOnce = useRef(false);
  const needsZone = preferences.data ? preferences.data.timeZoneSetAt === null : false;
  useEffect(() => {
    if (!needsZone || adoptOnce.current) return;
    adoptOnce.current = true;
    const detected = browserTimeZone();
    if (detected) adopt.mutate({ timeZone: detected });
  }, [needsZone, adopt]);

  if (preferences.isPending) return <Loading label="Loading your preferences…" />;
  if (preferences.isError) return <Alert>Could not load your preferences: {preferences.error.message}</Alert>;
  const p = preferences.data;
  const zone = timeZone ?? p.timeZone;
  const errors = fieldErrors(update.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const capText = String(form.get("dailyCap") ?? "").trim();
    update.mutate({
      taskReminders: form.get("taskReminders") === "on",
      dailyBrief: form.get("dailyBrief") === "on",
      urgentAlerts: form.get("urgentAlerts") === "on",
      quietHoursEnabled: form.get("quietHoursEnabled") === "on",
      quietHoursStart: String(form.get("quietHoursStart")),
      quietHoursEnd: String(form.get("quietHoursEnd")),
      timeZone: zone,
      dailyCap: capText === "" ? Number.NaN : Number(capText),
      dailyBriefTime: String(form.get("dailyBriefTime")),
      reminderLeadMinutes: Number(form.get("reminderLeadMinutes")),
      actOnReplies: form.get("actOnReplies") === "on",
      digestAfterQuietHours: form.get("digestAfterQuietHours") === "on",
      snoozeMinutes: Number(form.get("snoozeMinutes")),
    });
  }

  return (
    <Card title="What we text you" description="Choose which texts you get, when, and how many.">
      <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label="SMS preferences" onChange={() => setSaved(false)}>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Texts</legend>
          <Checkbox label="Task reminders" name="taskReminders" defaultChecked={p.taskReminders} />
          <Checkbox label="Daily brief" name="dailyBrief" defaultChecked={p.dailyBrief} />
          <Checkbox label="Urgent alerts (sent even in quiet hours)" name="urgentAlerts" defaultChecked={p.urgentAlerts} />
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-800">Quiet hours</legend>
          <div className="sm:col-span-2">
            <Checkbox label="Hold non-urgent texts during quiet hours" name="quietHoursEnabled" defaultChecked={p.quietHoursEnabled} />
          </div>
          <div className="space-y-1 sm:col-span-2">
            <Checkbox
              label="Send texts held overnight as one digest"
              name="digestAfterQuietHours"
              defaultChecked={p.digestAfterQuietHours}
              aria-describedby="digest-hint"
            />
            <p id="digest-hint" className="text-sm text-slate-600">
              When quiet hours end and two or more texts were held, you get one text listing them (reply DONE 2 to act on the second). Off:
              each goes on its own.
            </p>
          </div>
          <TextField label="Quiet hours start" name="quietHoursStart" type="time" defaultValue={p.quietHoursStart} error={errors.quietHoursStart} />
          <TextField label="Quiet hours end" name="quietHoursEnd" type="time" defaultValue={p.quietHoursEnd} error={errors.quietHoursEnd} />
          <div className="sm:col-span-2">
            <TimeZonePicker
              label="Time zone"
              name="timeZone"
              value={zone}
              onChange={(next) => {
                setTimeZone(next);
                setSaved(false);
              }}
              error={errors.timeZone}
              hint="Quiet hours, the daily brief and the times on this page follow this zone."
            />
          </div>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Daily limit"
            name="dailyCap"
            type="number"
            inputMode="numeric"
            min={DAILY_CAP_MIN}
            max={DAILY_CAP_MAX}
            defaultValue={p.dailyCap}
            error={errors.dailyCap}
            hint={`From ${DAILY_CAP_MIN} to ${DAILY_CAP_MAX} texts a day.`}
          />
          <TextField label="Daily brief time" name="dailyBriefTime" type="time" defaultValue={p.dailyBriefTime} error={errors.dailyBriefTime} />
          <MinutesField
            label="Reminder lead time"
            name="reminderLeadMinutes"
            choices={LEAD_CHOICES}
            saved={p.reminderLeadMinutes}
            words={(minutes) => `${minutesWords(minutes)} before`}
            error={errors.reminderLeadMinutes}
            hint="How long before a task is due its reminder is sent."
          />
        </div>
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-800">Replies</legend>
          <div className="space-y-1 sm:col-span-2">
            <Checkbox label="Act on my replies" name="actOnReplies" defaultChecked={p.actOnReplies} aria-describedby="act-on-replies-hint" />
            <p id="act-on-replies-hint" className="text-sm text-slate-600">
              Reply DONE to a reminder to complete its task, or SNOOZE (SNOOZE 30M, SNOOZE 2H, SNOOZE TOMORROW) to be reminded again
              later. With this off, replies change nothing. STOP and HELP always work.
            </p>
          </div>
          <MinutesField
            label="Snooze length"
            name="snoozeMinutes"
            choices={SNOOZE_CHOICES}
            saved={p.snoozeMinutes}
            words={minutesWords}
            error={errors.snoozeMinutes}
            hint="How long a plain SNOOZE reply pushes a reminder back."
          />
        </fieldset>
        {update.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(update.error)}</Alert> : null}
        {update.isError && Object.keys(errors).length > 0 ? <Alert>Nothing was saved: fix the fields marked above.</Alert> : null}
        {saved ? <Alert tone="success">Preferences saved.</Alert> : null}
        <Button type="submit" pending={update.isPending}>
          Save preferences
        </Button>
      </form>
    </Card>
  );
}

const LEAD_CHOICES = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].filter(
  (m) => m >= REMINDER_LEAD_MINUTES.min && m <= REMINDER_LEAD_MINUTES.max,
);

const SNOOZE_CHOICES = [10, 15, 30, 60, 120, 180, 240].filter((m) => m >= SNOOZE_MINUTES.min && m <= SNOOZE_MINUTES.max);

/**
 * A choice of minutes: the usual `choices`, plus the saved value if it is another one (set
 * through the API), so saving the form never changes it behind the user's back.
 */
function MinutesField({
  choices,
  saved,
  words,
  ...field
}: {
  label: string;
  name: string;
  choices: number[];
  saved: number;
  words: (minutes: number) => string;
  error?: string;
  hint: string;
}) {
  const shown = choices.includes(saved) ? choices : [...choices, saved].sort((a, b) => a - b);
  return (
    <SelectField {...field} defaultValue={String(saved)}>
      {shown.map((minutes) => (
        <option key={minutes} value={minutes}>
          {words(minutes)}
        </option>
      ))}
    </SelectField>
  );
}

function minutesWords(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
