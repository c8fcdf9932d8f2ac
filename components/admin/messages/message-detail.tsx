"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { LocalTime } from "../../ui/local-time";
import { Alert, Empty, Loading } from "../../ui/states";
import { Table, Td } from "../../ui/table";
import { StatusBadge } from "../status-badge";
import { DurableRuns } from "./durable-runs";
import { CATEGORIES, EVENT_SOURCES, HOLD_REASONS, STATUS_WORDS, statusReason, words } from "../words";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-2 py-1.5 text-sm sm:grid-cols-[10rem_1fr]">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

const when = (date: Date | null) => (date ? <LocalTime date={date} /> : "–");

/** Says what an action will do before it is done. */
function Confirm(props: { what: string; yes: string; no: string; pending: boolean; onYes: () => void; onNo: () => void }) {
  return (
    <div role="alertdialog" aria-label="Confirm" aria-describedby="confirm-what" className="mb-4 space-y-3 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
      <p id="confirm-what" className="text-sm text-amber-950">
        {props.what}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" pending={props.pending} onClick={props.onYes}>
          {props.yes}
        </Button>
        <Button variant="secondary" disabled={props.pending} onClick={props.onNo}>
          {props.no}
        </Button>
      </div>
    </div>
  );
}

export function MessageDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Live through the admin pages' stream (components/live): it reads again when the text changes.
  const message = useQuery(trpc.admin.messages.get.queryOptions({ id }));
  const refresh = () => queryClient.invalidateQueries(trpc.admin.messages.pathFilter());
  const cancel = useMutation(trpc.admin.messages.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.admin.messages.retry.mutationOptions({ onSuccess: refresh }));
  const [confirming, setConfirming] = useState<"cancel" | "retry" | null>(null);

  if (message.isPending) return <Loading label="Loading the message…" />;
  if (message.isError) return <Alert>Could not load the message: {message.error.message}</Alert>;
  const m = message.data;
  const actionError = cancel.error ?? retry.error;

  return (
    <div className="space-y-6">
      <Card
        title="Message"
        actions={
          m.actions.cancel || m.actions.retry ? (
            <div className="flex shrink-0 gap-2">
              {m.actions.cancel ? (
                <Button variant="danger" disabled={confirming !== null} onClick={() => setConfirming("cancel")}>
                  Cancel text
                </Button>
              ) : null}
              {m.actions.retry ? (
                <Button disabled={confirming !== null} onClick={() => setConfirming("retry")}>
                  Retry
                </Button>
              ) : null}
            </div>
          ) : undefined
        }
      >
        {actionError ? <Alert>{errorMessage(actionError)}</Alert> : null}
        {confirming === "cancel" && m.actions.cancel ? (
          <Confirm
            what="This text will not be sent: it is marked cancelled, and the user never gets it. This cannot be undone."
            yes="Yes, cancel the text"
            no="Keep it"
            pending={cancel.isPending}
            onYes={() => cancel.mutate({ id }, { onSettled: () => setConfirming(null) })}
            onNo={() => setConfirming(null)}
          />
        ) : null}
        {confirming === "retry" && m.actions.retry ? (
          <Confirm
            what={`A new text with the same words goes to ${m.to ?? "the user's verified number"} now, linked to this one; the user's quiet hours, daily limit and opt-out still apply. This text stays as it is.`}
            yes="Yes, send it again"
            no="Not now"
            pending={retry.isPending}
            onYes={() => retry.mutate({ id }, { onSettled: () => setConfirming(null) })}
            onNo={() => setConfirming(null)}
          />
        ) : null}
        {retry.data ? (
          <Alert tone="success">
            Retry requested:{" "}
            <Link href={`/admin/messages/${retry.data.messageId}`} className="font-semibold underline">
              open the new text
            </Link>{" "}
            ({words(STATUS_WORDS, retry.data.status).toLowerCase()}).
          </Alert>
        ) : null}
        <p className="mb-4 whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 text-sm text-slate-900 ring-1 ring-slate-200" data-testid="message-body">
          {m.body}
        </p>
        <dl className="divide-y divide-slate-100">
          <Row label="Status">
            <StatusBadge status={m.status} skipReason={m.skipReason} />
          </Row>
          {m.errorCode ? (
            <Row label="Twilio error">
              <span className="font-mono">{m.errorCode}</span> {m.errorMeaning ?? m.errorMessage ?? ""}
            </Row>
          ) : null}
          {statusReason(m) ? <Row label="Why">{statusReason(m)}</Row> : null}
          <Row label="User">{m.userEmail}</Row>
          <Row label="To">
            <span className="font-mono">{m.to ?? "no verified number"}</span>
          </Row>
          <Row label="Template">
            {m.template ? (
              <>
                <span className="font-mono">{m.template.key}</span> version {m.template.version ?? "?"} ({m.template.name})
              </>
            ) : (
              "–"
            )}
          </Row>
          <Row label="Category">
            {words(CATEGORIES, m.category)}, {m.priority} priority
          </Row>
          <Row label="Segments">{m.segments ? `${m.segments} (${m.encoding})` : "–"}</Row>
          <Row label="Price">{m.price ? `${m.price} ${m.priceUnit ?? ""}` : "–"}</Row>
          <Row label="Requested">{when(m.createdAt)}</Row>
          {m.scheduledFor ? <Row label="Scheduled for">{when(m.scheduledFor)}</Row> : null}
          {m.heldUntil ? <Row label={`Held ${words(HOLD_REASONS, m.holdReason ?? "scheduled")}, until`}>{when(m.heldUntil)}</Row> : null}
          <Row label="Sent">{when(m.sentAt)}</Row>
          <Row label="Delivered">{when(m.deliveredAt)}</Row>
          <Row label="Twilio SID">
            <span className="font-mono text-xs">{m.twilioSid ?? "–"}</span>
          </Row>
          <Row label="Attempts">{m.attemptCount}</Row>
          <Row label="Dedupe key">
            <span className="font-mono text-xs">{m.dedupeKey}</span>
          </Row>
          {m.retryOf ? (
            <Row label="Retry of">
              <Link href={`/admin/messages/${m.retryOf.id}`} className="text-indigo-700 hover:underline">
                the text it retries ({words(STATUS_WORDS, m.retryOf.status).toLowerCase()})
              </Link>
            </Row>
          ) : null}
          {m.mergedInto ? (
            <Row label="Sent in">
              <Link href={`/admin/messages/${m.mergedInto.id}`} className="text-indigo-700 hover:underline">
                a digest ({words(STATUS_WORDS, m.mergedInto.status).toLowerCase()})
              </Link>
            </Row>
          ) : null}
          {m.digestItems.length > 0 ? (
            <Row label={`Digest of ${m.digestItems.length}`}>
              <ul className="space-y-1">
                {m.digestItems.map((item) => (
                  <li key={item.id}>
                    <Link href={`/admin/messages/${item.id}`} className="text-indigo-700 hover:underline">
                      {item.body.length > 60 ? `${item.body.slice(0, 57)}...` : item.body}
                    </Link>{" "}
                    <span className="text-xs text-slate-600">({words(STATUS_WORDS, item.status).toLowerCase()})</span>
                  </li>
                ))}
              </ul>
            </Row>
          ) : null}
          {m.retries.length > 0 ? (
            <Row label="Retried as">
              {m.retries.map((r) => (
                <Link key={r.id} href={`/admin/messages/${r.id}`} className="mr-2 text-indigo-700 hover:underline">
                  a retry ({words(STATUS_WORDS, r.status).toLowerCase()})
                </Link>
              ))}
            </Row>
          ) : null}
        </dl>
      </Card>

      <Card title="Variables">
        {Object.keys(m.templateVars).length === 0 ? (
          <Empty>No variables.</Empty>
        ) : (
          <Table head={["Name", "Value"]}>
            {Object.entries(m.templateVars).map(([name, value]) => (
              <tr key={name}>
                <Td className="font-mono">{name}</Td>
                <Td>{value}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      <Card title="Events" description="Every status change in order, with who caused it. Late callbacks are kept but not applied.">
        {m.events.length === 0 ? (
          <Empty>No events yet.</Empty>
        ) : (
          <ol className="space-y-2" data-testid="events">
            {m.events.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center gap-2 text-sm">
                <span className="whitespace-nowrap text-slate-500">
                  <LocalTime date={e.createdAt} />
                </span>
                <StatusBadge status={e.status} />
                <span className="text-slate-600">by {words(EVENT_SOURCES, e.source)}</span>
                {e.errorCode ? <span className="font-mono text-red-700">{e.errorCode}</span> : null}
                {!e.applied ? <span className="text-xs text-amber-700">(late, not applied)</span> : null}
              </li>
            ))}
          </ol>
        )}
      </Card>

      <DurableRuns id={id} status={m.status} />

      <Card title="Admin actions" description="Who did what to this text, and when.">
        {m.audit.length === 0 ? (
          <Empty>No admin has acted on this text.</Empty>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="audit">
            {m.audit.map((entry, index) => (
              <li key={index}>
                <span className="font-mono">{entry.action}</span> by {entry.by ?? "a deleted admin"} · <LocalTime date={entry.at} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
