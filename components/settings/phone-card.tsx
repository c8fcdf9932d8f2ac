"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "../trpc/client";
import { useUserTimeZone } from "./use-user-time-zone";
import { errorMessage, fieldErrors } from "../trpc/errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { SelectField, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { Alert, Loading } from "../ui/states";
import { minutesAndSeconds, useCountdown } from "../ui/use-countdown";
import { ConsentText } from "./consent-text";

export interface PhoneCountry {
  code: string;
  name: string;
  callingCode: string;
}

/** The region of the browser's preferred language (en-US → US), if the selector has it. */
function browserCountry(countries: PhoneCountry[]): string | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && countries.some((c) => c.code === region)) return region;
    } catch {
      // an unparseable language tag: try the next
    }
  }
  return null;
}

/**
 * The number texts go to, and its verification: enter a number, get a code by text, enter the
 * code. The server decides everything (format, allowed countries, limits, approval); this form
 * shows its answers next to the fields they are about.
 */
export function PhoneCard({
  countries,
  allowedCountries,
  programName,
}: {
  countries: PhoneCountry[];
  allowedCountries: string;
  programName: string;
}) {
  const trpc = useTRPC();
  const timeZone = useUserTimeZone();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.sms.status.queryOptions());
  const [editing, setEditing] = useState(false);
  const onStatus = {
    onSuccess: (data: typeof status.data) => {
      queryClient.setQueryData(trpc.sms.status.queryKey(), data);
      setEditing(false);
    },
  };
  const sendCode = useMutation(trpc.sms.sendCode.mutationOptions(onStatus));
  const verifyCode = useMutation(
    trpc.sms.verifyCode.mutationOptions({
      onSuccess: (data) => {
        onStatus.onSuccess(data);
        // The opt-in confirmation joins the history.
        void queryClient.invalidateQueries(trpc.messages.pathFilter());
      },
    }),
  );

  if (status.isPending) return <Loading label="Loading your phone number…" />;
  if (status.isError) return <Alert>Could not load your phone number: {status.error.message}</Alert>;
  const { phone, pendingCode } = status.data;

  const body =
    phone?.verifiedAt && !editing ? (
      <div className="space-y-3">
        <p className="text-sm text-slate-700" data-testid="verified-phone">
          Texts go to <strong>{phone.display}</strong>, verified <LocalTime date={phone.verifiedAt} dateOnly timeZone={timeZone} />.
        </p>
        <Button variant="secondary" onClick={() => setEditing(true)}>
          Change number
        </Button>
      </div>
    ) : pendingCode && phone && !editing ? (
      <CodeForm
        // A fresh form (typed code gone) for a new code only: the page reads the status again on
        // every live change, and a code being typed must survive that. The countdowns follow `since`.
        key={`${phone.e164}:${sendCode.submittedAt}`}
        display={phone.display}
        expiresInSeconds={pendingCode.expiresInSeconds}
        resendInSeconds={pendingCode.resendInSeconds}
        since={status.dataUpdatedAt}
        onVerify={(code) => verifyCode.mutate({ code })}
        verifyPending={verifyCode.isPending}
        verifyError={verifyCode.error}
        resend={() => sendCode.mutate({ country: "", phone: phone.e164 })}
        resendError={sendCode.error}
        resendPending={sendCode.isPending}
        onDifferentNumber={() => {
          sendCode.reset();
          setEditing(true);
        }}
      />
    ) : (
      <NumberForm
        countries={countries}
        allowedCountries={allowedCountries}
        programName={programName}
        unverified={phone && !phone.verifiedAt ? phone.display : null}
        onSend={(input) => sendCode.mutate(input)}
        sendPending={sendCode.isPending}
        sendError={sendCode.error}
        onCancel={phone?.verifiedAt || pendingCode ? () => setEditing(false) : undefined}
      />
    );

  return (
    <Card title="Phone number" description="We text only a number you have verified with a code.">
      {body}
    </Card>
  );
}

function NumberForm({
  countries,
  allowedCountries,
  programName,
  unverified,
  onSend,
  sendPending,
  sendError,
  onCancel,
}: {
  countries: PhoneCountry[];
  allowedCountries: string;
  programName: string;
  unverified: string | null;
  onSend: (input: { country: string; phone: string }) => void;
  sendPending: boolean;
  sendError: unknown;
  onCancel?: () => void;
}) {
  // The first render matches the server's; the browser's own country is chosen after hydration.
  const [country, setCountry] = useState("US");
  useEffect(() => {
    const detected = browserCountry(countries);
    if (detected) setCountry(detected);
  }, [countries]);
  const errors = fieldErrors(sendError);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSend({ country, phone: String(form.get("phone") ?? "") });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Send a verification code">
      {unverified ? (
        <p className="text-sm text-slate-700">
          <strong>{unverified}</strong> is not verified yet: send a new code to verify it, or enter another number.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)]">
        <SelectField label="Country" name="country" value={country} onChange={(e) => setCountry(e.target.value)} error={errors.country}>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} (+{c.callingCode})
            </option>
          ))}
        </SelectField>
        <TextField
          label="Phone number"
          name="phone"
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          placeholder="(206) 555-0100"
          error={errors.phone}
          hint={`We can text numbers in ${allowedCountries}.`}
        />
      </div>
      {sendError && !errors.phone && !errors.country ? <Alert>{errorMessage(sendError)}</Alert> : null}
      <ConsentText programName={programName} action="Send code" />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={sendPending}>
          Send code
        </Button>
        {onCancel ? (
          <Button type="button" variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

function CodeForm({
  display,
  expiresInSeconds,
  resendInSeconds,
  since,
  onVerify,
  verifyPending,
  verifyError,
  resend,
  resendError,
  resendPending,
  onDifferentNumber,
}: {
  display: string;
  expiresInSeconds: number;
  resendInSeconds: number;
  since: number;
  onVerify: (code: string) => void;
  verifyPending: boolean;
  verifyError: unknown;
  resend: () => void;
  resendError: unknown;
  resendPending: boolean;
  onDifferentNumber: () => void;
}) {
  const resendIn = useCountdown(resendInSeconds, since);
  const expiresIn = useCountdown(expiresInSeconds, since);
  const errors = fieldErrors(verifyError);
  const resendErrors = fieldErrors(resendError);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onVerify(String(form.get("code") ?? ""));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Verify your phone number">
      <p className="text-sm text-slate-700" data-testid="code-sent">
        We texted a code to <strong>{display}</strong>.{" "}
        {expiresIn > 0 ? <>It works for {minutesAndSeconds(expiresIn)} more.</> : <>It has expired: ask for a new one.</>}
      </p>
      <div className="max-w-xs">
        <TextField
          label="Verification code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          error={errors.code}
        />
      </div>
      {verifyError && !errors.code ? <Alert>{errorMessage(verifyError)}</Alert> : null}
      {resendError ? <Alert>{resendErrors.phone ?? errorMessage(resendError)}</Alert> : null}
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={verifyPending}>
          Verify
        </Button>
        <Button type="button" variant="secondary" disabled={resendIn > 0} pending={resendPending} onClick={resend}>
          {resendIn > 0 ? `Resend code in ${minutesAndSeconds(resendIn)}` : "Resend code"}
        </Button>
        <Button type="button" variant="secondary" onClick={onDifferentNumber}>
          Use a different number
        </Button>
      </div>
    </form>
  );
}
