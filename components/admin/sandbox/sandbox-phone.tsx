"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage, fieldErrors } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { TextField } from "../../ui/field";
import { LocalTime } from "../../ui/local-time";
import { Alert, Empty, Loading } from "../../ui/states";

type Phone = Extract<ReturnType<typeof useOverview>["data"], { available: true }>["phones"][number];

function useOverview() {
  const trpc = useTRPC();
  // The sandbox has no push: poll, so texts and delivery updates appear as they happen.
  return useQuery({ ...trpc.admin.sandbox.overview.queryOptions(), refetchInterval: 2_000 });
}

/** DONE and SNOOZE answer the latest reminder; STOP, START and HELP are the carrier keywords. */
const QUICK_REPLIES = ["DONE", "SNOOZE", "SNOOZE 2H", "STOP", "START", "HELP"];

function Conversation({ phone }: { phone: Phone }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const reply = useMutation(
    trpc.admin.sandbox.reply.mutationOptions({
      onSuccess: () => {
        setText("");
        return queryClient.invalidateQueries(trpc.admin.sandbox.overview.queryFilter());
      },
    }),
  );
  const errors = fieldErrors(reply.error);
  const send = (body: string) => reply.mutate({ from: phone.number, body });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send(text);
  }
  return (
    <Card title={phone.number} description={phone.owners.length > 0 ? `Verified by ${phone.owners.join(", ")}` : "No user has this number."}>
      <div className="space-y-3" data-testid={`phone-${phone.number}`}>
        <div className="flex flex-wrap gap-2 text-xs">
          {phone.optedOutAtSandbox ? <span className="rounded-full bg-amber-100 px-2 py-0.5 text-amber-900">opted out at Twilio</span> : null}
          {phone.latestCode ? (
            <span className="rounded-full bg-sky-100 px-2 py-0.5 text-sky-900">
              latest code <span className="font-mono font-semibold" data-testid="latest-code">{phone.latestCode.code}</span> ({phone.latestCode.status})
            </span>
          ) : null}
        </div>
        {phone.texts.length === 0 ? (
          <Empty>No texts yet.</Empty>
        ) : (
          // Scrolls once the conversation is long: focusable so a keyboard can scroll it too.
          <ol tabIndex={0} className="flex max-h-80 flex-col gap-2 overflow-y-auto" aria-label={`Texts with ${phone.number}`}>
            {phone.texts.map((t) => (
              <li
                key={t.sid}
                className={`max-w-[85%] rounded-2xl px-3 py-2 text-sm ${
                  t.direction === "from_phone" ? "self-end bg-indigo-600 text-white" : "self-start bg-slate-100 text-slate-900"
                }`}
              >
                <p className="whitespace-pre-wrap break-words">{t.body}</p>
                <p className={`mt-1 text-xs ${t.direction === "from_phone" ? "text-indigo-100" : "text-slate-600"}`}>
                  <LocalTime date={t.at} /> · {t.direction === "from_phone" ? "sent by the phone" : t.status}
                  {t.errorCode ? ` · error ${t.errorCode}` : ""}
                </p>
                {t.did ? (
                  <p className="mt-1 text-xs text-indigo-100" data-testid="sandbox-did">
                    In the app: {t.did}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {reply.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(reply.error)}</Alert> : null}
        <div className="flex flex-wrap gap-2" role="group" aria-label={`Quick replies from ${phone.number}`}>
          {QUICK_REPLIES.map((word) => (
            <Button key={word} variant="secondary" pending={reply.isPending && reply.variables?.body === word} onClick={() => send(word)}>
              Reply {word}
            </Button>
          ))}
        </div>
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" aria-label={`Reply from ${phone.number}`}>
          <div className="min-w-0 flex-1">
            <TextField label="Reply as this number" name={`reply-${phone.number}`} value={text} onChange={(event) => setText(event.target.value)} error={errors.body} />
          </div>
          <Button type="submit" pending={reply.isPending && reply.variables?.body === text}>
            Send
          </Button>
        </form>
      </div>
    </Card>
  );
}

function Faults({ faults }: { faults: { serverErrors: number; rateLimits: number; retryAfterSeconds: number; dropConnections: number } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.admin.sandbox.setFaults.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.admin.sandbox.overview.queryFilter()) }),
  );
  const errors = fieldErrors(set.error);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const number = (name: string) => Number(form.get(name) ?? 0);
    set.mutate({
      rateLimits: number("rateLimits"),
      retryAfterSeconds: number("retryAfterSeconds"),
      serverErrors: number("serverErrors"),
      dropConnections: number("dropConnections"),
    });
  }
  return (
    <Card title="Fault switches" description="Each counts the next texts handed to the sandbox. Watch the pipeline retry, back off and reconcile.">
      <p className="mb-3 text-sm text-slate-600" data-testid="faults-now">
        Now: {faults.rateLimits} × 429 (Retry-After {faults.retryAfterSeconds} s), {faults.serverErrors} × 500, {faults.dropConnections} × accept-then-drop.
      </p>
      <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2" aria-label="Fault switches">
        {set.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(set.error)}</Alert> : null}
        <TextField label="Next texts answered 429" name="rateLimits" type="number" min={0} max={100} defaultValue={faults.rateLimits} error={errors.rateLimits} />
        <TextField label="Retry-After (seconds)" name="retryAfterSeconds" type="number" min={1} max={3600} defaultValue={faults.retryAfterSeconds} error={errors.retryAfterSeconds} />
        <TextField label="Next texts answered 500" name="serverErrors" type="number" min={0} max={100} defaultValue={faults.serverErrors} error={errors.serverErrors} />
        <TextField
          label="Next texts accepted, then the connection drops"
          name="dropConnections"
          type="number"
          min={0}
          max={100}
          defaultValue={faults.dropConnections}
          error={errors.dropConnections}
        />
        <div className="sm:col-span-2">
          <Button type="submit" pending={set.isPending}>
            Apply
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function SandboxPhone() {
  const overview = useOverview();
  if (overview.isPending) return <Loading label="Asking the sandbox…" />;
  if (overview.isError) return <Alert>Could not reach the sandbox: {overview.error.message}</Alert>;
  const data = overview.data;
  if (!data.available) {
    return (
      <Alert tone="info">
        <span data-testid="sandbox-off">The sandbox phone is only available when the SMS provider is the local sandbox. {data.reason}</span>
      </Alert>
    );
  }
  return (
    <div className="space-y-6">
      <Faults faults={data.faults} />
      {data.phones.length === 0 ? (
        <Empty>No numbers yet: verify a phone in settings, or send a test text.</Empty>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          {data.phones.map((phone) => (
            <Conversation key={phone.number} phone={phone} />
          ))}
        </div>
      )}
    </div>
  );
}
