"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { DAILY_CAP_MAX } from "@/common/limits";
import { useTRPC } from "../trpc/client";
import { errorMessage, fieldErrors } from "../trpc/errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Checkbox, SelectField, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { Alert, Loading } from "../ui/states";

/** `timeZones` comes from the server so the server-rendered and hydrated option lists are the same. */
export function PreferencesForm({ timeZones }: { timeZones: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.preferences.get.queryOptions());
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.preferences.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.preferences.get.queryKey(), data);
        setSaved(true);
      },
    }),
  );

  if (preferences.isPending) return <Loading label="Loading your preferences…" />;
  if (preferences.isError) return <Alert>Could not load your preferences: {preferences.error.message}</Alert>;
  const p = preferences.data;
  const errors = fieldErrors(update.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      taskReminders: form.get("taskReminders") === "on",
      dailyBrief: form.get("dailyBrief") === "on",
      urgentAlerts: form.get("urgentAlerts") === "on",
      quietHoursEnabled: form.get("quietHoursEnabled") === "on",
      quietHoursStart: String(form.get("quietHoursStart")),
      quietHoursEnd: String(form.get("quietHoursEnd")),
      timeZone: String(form.get("timeZone")),
      dailyCap: Number(form.get("dailyCap")),
      dailyBriefTime: String(form.get("dailyBriefTime")),
    });
  }

  return (
    <Card title="What we text you" description="Choose which texts you get, when, and how many.">
      <SmsStatus phone={p.phone} verifiedAt={p.phoneVerifiedAt} optedOutAt={p.optedOutAt} optOutSource={p.optOutSource} />
      <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label="SMS preferences">
        {update.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(update.error)}</Alert> : null}
        {saved ? <Alert tone="success">Preferences saved.</Alert> : null}
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Texts</legend>
          <Checkbox label="Task reminders" name="taskReminders" defaultChecked={p.taskReminders} />
          <Checkbox label="Daily brief" name="dailyBrief" defaultChecked={p.dailyBrief} />
          <Checkbox label="Urgent alerts (sent even in quiet hours)" name="urgentAlerts" defaultChecked={p.urgentAlerts} />
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-3">
          <legend className="mb-2 text-sm font-medium text-slate-800">Quiet hours</legend>
          <div className="sm:col-span-3">
            <Checkbox label="Hold non-urgent texts during quiet hours" name="quietHoursEnabled" defaultChecked={p.quietHoursEnabled} />
          </div>
          <TextField label="From" name="quietHoursStart" type="time" defaultValue={p.quietHoursStart} error={errors.quietHoursStart} />
          <TextField label="Until" name="quietHoursEnd" type="time" defaultValue={p.quietHoursEnd} error={errors.quietHoursEnd} />
          <SelectField label="Time zone" name="timeZone" defaultValue={p.timeZone} error={errors.timeZone}>
            {(timeZones.includes(p.timeZone) ? timeZones : [p.timeZone, ...timeZones]).map((zone) => (
              <option key={zone}>{zone}</option>
            ))}
          </SelectField>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Most texts per day"
            name="dailyCap"
            type="number"
            min={1}
            max={DAILY_CAP_MAX}
            defaultValue={p.dailyCap}
            error={errors.dailyCap}
          />
          <TextField label="Daily brief time" name="dailyBriefTime" type="time" defaultValue={p.dailyBriefTime} error={errors.dailyBriefTime} />
        </div>
        <Button type="submit" pending={update.isPending}>
          Save preferences
        </Button>
      </form>
    </Card>
  );
}

const OPT_OUT_REASONS = {
  keyword: "you replied STOP",
  settings: "you turned texts off",
  twilio_21610: "your carrier reported that this number replied STOP",
} as const;

function SmsStatus({
  phone,
  verifiedAt,
  optedOutAt,
  optOutSource,
}: {
  phone: string | null;
  verifiedAt: Date | null;
  optedOutAt: Date | null;
  optOutSource: keyof typeof OPT_OUT_REASONS | null;
}) {
  return (
    <div className="mb-6 space-y-2" data-testid="sms-status">
      <p className="text-sm text-slate-700">
        {phone && verifiedAt ? (
          <>
            Texts go to <strong>{phone}</strong> (verified <LocalTime date={verifiedAt} dateOnly />).
          </>
        ) : (
          "No verified phone number yet: we send no texts until one is verified."
        )}
      </p>
      {optedOutAt ? (
        <Alert tone="info">
          Texts are paused since <LocalTime date={optedOutAt} />: {OPT_OUT_REASONS[optOutSource ?? "keyword"]}. Text START to
          resume.
        </Alert>
      ) : null}
    </div>
  );
}
