"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc/client";
import { useUserTimeZone } from "./use-user-time-zone";
import { errorMessage } from "../trpc/errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";
import { Alert, Loading } from "../ui/states";
import { ConsentText } from "./consent-text";

/**
 * Stop every text, or turn texts back on, and say how the current state came about: a STOP or
 * START from the phone shows here as when and how it happened, with how to undo it.
 */
export function TextsSwitchCard({ programName }: { programName: string }) {
  const trpc = useTRPC();
  const timeZone = useUserTimeZone();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.sms.status.queryOptions());
  const onSuccess = (data: NonNullable<typeof status.data>) => {
    queryClient.setQueryData(trpc.sms.status.queryKey(), data);
    void queryClient.invalidateQueries(trpc.messages.pathFilter());
  };
  const optOut = useMutation(trpc.sms.optOut.mutationOptions({ onSuccess }));
  const optIn = useMutation(trpc.sms.optIn.mutationOptions({ onSuccess }));

  if (status.isPending) return <Loading label="Loading…" />;
  if (status.isError) return <Alert>Could not load whether texts are on: {status.error.message}</Alert>;
  const { optedOut, optedIn, phone } = status.data;
  const at = (date: Date) => <LocalTime date={date} timeZone={timeZone} />;
  const error = optOut.error ?? optIn.error;

  return (
    <Card title="Texts on or off" description="Stop every text at once, whatever the settings below say.">
      <div className="space-y-4" data-testid="texts-switch">
        {optedOut ? (
          <Alert tone="info">
            {optedOut.source === "keyword" ? (
              <>
                <strong>Texts are off.</strong> You replied STOP from your phone on {at(optedOut.at)}. To get texts again, reply
                START to any of our texts, or turn them back on here.
              </>
            ) : optedOut.source === "twilio_21610" ? (
              <>
                <strong>Texts are off.</strong> On {at(optedOut.at)} our text provider refused to send to your number because it had
                replied STOP. Reply START to any of our texts to allow them again, then turn them back on here.
              </>
            ) : (
              <>
                <strong>Texts are off.</strong> You stopped all texts on this page on {at(optedOut.at)}. Turn them back on here, or
                reply START to any of our texts.
              </>
            )}
          </Alert>
        ) : (
          <p className="text-sm text-slate-700">
            <strong>Texts are on.</strong>{" "}
            {optedIn ? (
              optedIn.source === "keyword" ? (
                <>You turned them back on by replying START on {at(optedIn.at)}. </>
              ) : (
                <>You turned them back on here on {at(optedIn.at)}. </>
              )
            ) : null}
            {phone?.verifiedAt ? null : "We send nothing until your phone number is verified."}
          </p>
        )}
        {error ? <Alert>{errorMessage(error)}</Alert> : null}
        {optedOut ? (
          <>
            <ConsentText programName={programName} action="Turn texts back on" />
            {phone?.verifiedAt ? null : <p className="text-sm text-slate-700">Verify a phone number first to turn texts back on.</p>}
            <Button pending={optIn.isPending} disabled={!phone?.verifiedAt} onClick={() => optIn.mutate()}>
              Turn texts back on
            </Button>
          </>
        ) : (
          <Button variant="danger" pending={optOut.isPending} onClick={() => optOut.mutate()}>
            Stop all texts
          </Button>
        )}
      </div>
    </Card>
  );
}
