"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState, type FormEvent } from "react";
import { SYSTEM_VARIABLE_DEFAULTS } from "@/common/reply-words";
import { checkTemplateBody } from "@/server/templates/body-check";
import { useTRPC } from "../../trpc/client";
import { errorMessage, fieldErrors } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { SelectField, TextField } from "../../ui/field";
import { LocalTime } from "../../ui/local-time";
import { Alert, Empty, Loading } from "../../ui/states";
import { StatusBadge } from "../status-badge";
import { EVENT_SOURCES, OPT_SOURCES, STATUS_WORDS, TERMINAL_STATUSES, statusReason, words } from "../words";

/** The text just sent, followed through the admin pages' live stream until it is delivered, failed, cancelled or skipped. */
function LiveResult({ id }: { id: string }) {
  const trpc = useTRPC();
  const message = useQuery(trpc.admin.messages.get.queryOptions({ id }));
  if (message.isPending) return <Loading label="Requesting…" />;
  if (message.isError) return <Alert>Could not follow the text: {message.error.message}</Alert>;
  const m = message.data;
  const done = TERMINAL_STATUSES.includes(m.status);
  return (
    <div className="space-y-3" aria-live="polite" data-testid="test-send-result">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <StatusBadge status={m.status} skipReason={m.skipReason} />
        {done ? null : <span className="text-slate-500">following it live…</span>}
      </p>
      {m.errorCode ? <p className="font-mono text-xs text-red-700">Twilio error {m.errorCode}</p> : null}
      {statusReason(m) ? <p data-testid="test-send-reason" className="text-sm text-slate-800">{statusReason(m)}</p> : null}
      <ol className="space-y-1 text-sm">
        {m.events.map((e) => (
          <li key={e.id} className="flex flex-wrap gap-2">
            <span className="text-slate-500">
              <LocalTime date={e.createdAt} />
            </span>
            <span className="font-medium">{words(STATUS_WORDS, e.status)}</span>
            <span className="text-slate-500">by {words(EVENT_SOURCES, e.source)}</span>
          </li>
        ))}
      </ol>
      <Link href={`/admin/messages/${id}`} className="text-sm text-indigo-700 hover:underline">
        Open the message
      </Link>
    </div>
  );
}

/** Whether a text to this user would go out, and if not, why (the picker's label). */
function textingState(u: { phone: string | null; optedOutAt: Date | null; optOutSource: string | null }): string {
  if (u.optedOutAt) return `opted out (${words(OPT_SOURCES, u.optOutSource)}): will be skipped`;
  if (!u.phone) return "no verified number: will be skipped";
  return u.phone;
}

/** A datetime-local value as the reader's local time. */
function localDateTime(value: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function TestSend() {
  const trpc = useTRPC();
  const [userSearch, setUserSearch] = useState<string | undefined>(undefined);
  // Everyone, not only the textable: a text to an opted-out or unverified user shows the skip
  // (and its reason) that would happen for real.
  const users = useQuery(trpc.admin.users.queryOptions({ search: userSearch, limit: 50 }));
  const templates = useQuery(trpc.admin.templates.list.queryOptions());
  const [templateKey, setTemplateKey] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const template = templates.data?.find((t) => t.key === templateKey);
  // The preview shows what the app fills in itself (a reminder's reply hint); the form asks only for the rest.
  const check = useMemo(() => (template ? checkTemplateBody(template.body, { ...SYSTEM_VARIABLE_DEFAULTS, ...values }) : null), [template, values]);
  const askFor = (check?.variables ?? []).filter((name) => !(name in SYSTEM_VARIABLE_DEFAULTS));
  const send = useMutation(trpc.admin.messages.testSend.mutationOptions());
  const errors = fieldErrors(send.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const variables = Object.fromEntries(askFor.map((name) => [name, values[name] ?? ""]));
    send.mutate({
      userId: String(form.get("userId") ?? ""),
      templateKey,
      variables,
      scheduledFor: localDateTime(String(form.get("scheduledFor") ?? "")),
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Send a test text" description="It goes through the real pipeline: the user's settings, quiet hours and limits apply.">
        <div className="mb-4 flex flex-wrap items-end gap-2">
          <form
            role="search"
            aria-label="User search"
            className="flex min-w-0 flex-1 flex-wrap items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              setUserSearch(String(new FormData(event.currentTarget).get("userSearch") ?? "").trim() || undefined);
            }}
          >
            <div className="min-w-0 flex-1">
              <TextField label="Find a user" name="userSearch" placeholder="email or phone" />
            </div>
            <Button type="submit" variant="secondary">
              Find
            </Button>
          </form>
        </div>
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Test send">
          {send.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(send.error)}</Alert> : null}
          {users.isPending ? (
            <Loading label="Loading users…" />
          ) : users.isError ? (
            <Alert>Could not load users: {users.error.message}</Alert>
          ) : users.data.items.length === 0 ? (
            <Empty>No user{userSearch ? ` matches “${userSearch}”` : " yet"}.</Empty>
          ) : (
            <SelectField
              label="User"
              name="userId"
              error={errors.userId}
              defaultValue={users.data.items[0]?.id}
              hint="Users who cannot get texts are listed with the reason: a test to them is skipped, as a real text would be."
            >
              {users.data.items.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email} · {textingState(u)}
                </option>
              ))}
            </SelectField>
          )}
          <SelectField
            label="Template"
            name="templateKey"
            value={templateKey}
            error={errors.templateKey}
            onChange={(event) => {
              setTemplateKey(event.target.value);
              setValues({});
            }}
          >
            <option value="">Choose a template</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.key}>
                {t.key}
                {t.active ? "" : " (inactive)"}
              </option>
            ))}
          </SelectField>
          {askFor.map((name) => (
            <TextField
              key={name}
              label={name}
              name={`var-${name}`}
              value={values[name] ?? ""}
              error={errors[`variables.${name}`]}
              onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
            />
          ))}
          <TextField
            label="Send at (optional)"
            name="scheduledFor"
            type="datetime-local"
            error={errors.scheduledFor}
            hint="Leave empty to send now. Your local time."
          />
          {check ? (
            <div>
              <h3 className="mb-1 text-sm font-medium text-slate-800">Preview</h3>
              <p className="whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200" data-testid="test-send-preview">
                {check.preview}
              </p>
              <p className="mt-1 text-xs text-slate-500">
                {check.characters} characters · {check.encoding} · {check.segments} segment{check.segments === 1 ? "" : "s"}
              </p>
            </div>
          ) : null}
          <Button type="submit" pending={send.isPending} disabled={!templateKey || !users.data?.items.length}>
            Send test
          </Button>
        </form>
      </Card>
      <Card title="Result">{send.data ? <LiveResult key={send.data.messageId} id={send.data.messageId} /> : <Empty>Nothing sent yet.</Empty>}</Card>
    </div>
  );
}
