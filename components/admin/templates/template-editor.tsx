"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { checkTemplateBody, replaceLookalikes, TEMPLATE_BODY_MAX } from "@/server/templates/body-check";
import { useTRPC } from "../../trpc/client";
import { errorMessage, fieldErrors } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { SelectField, TextField } from "../../ui/field";
import { Alert } from "../../ui/states";
import { CATEGORIES } from "../words";
import { BodyPreview } from "./body-preview";

export interface TemplateDraft {
  id?: string;
  key: string;
  name: string;
  description: string;
  category: string;
  body: string;
  /** The version the editor started from (edit mode): a save over a newer one is refused. */
  version?: number;
}

const control =
  "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid=true]:ring-red-500";

/**
 * Create or edit a template. The preview is computed in the browser by the same check the
 * server runs on save (server/templates/body-check.ts), so what it shows is what a save decides.
 */
export function TemplateEditor({ initial }: { initial: TemplateDraft }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const editing = initial.id !== undefined;
  const [body, setBody] = useState(initial.body);
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [version, setVersion] = useState(initial.version);
  const check = useMemo(() => checkTemplateBody(body, samples), [body, samples]);

  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.admin.templates.pathFilter());
  };
  const create = useMutation(
    trpc.admin.templates.create.mutationOptions({
      onSuccess: async (template) => {
        await onSuccess();
        router.push(`/admin/templates/${template.id}`);
      },
    }),
  );
  const save = useMutation(
    trpc.admin.templates.save.mutationOptions({
      onSuccess: async (template) => {
        await onSuccess();
        setSaved(template.currentVersion === version ? "Saved (the body did not change, so no new version)." : `Saved as version ${template.currentVersion}.`);
        setVersion(template.currentVersion);
      },
    }),
  );
  const mutation = editing ? save : create;
  const errors = fieldErrors(mutation.error);
  // Read-only from the click until the save is done — for a new template, until its page opens:
  // an edit typed meanwhile would otherwise be silently lost.
  const leaving = !editing && create.isSuccess;
  const busy = mutation.isPending || leaving;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    const form = new FormData(event.currentTarget);
    const fields = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      category: String(form.get("category")) as "account",
      body,
    };
    if (editing) save.mutate({ id: initial.id!, expectedVersion: version!, ...fields });
    else create.mutate({ key: String(form.get("key") ?? ""), ...fields });
  }

  return (
    <Card title={editing ? "Edit template" : "New template"} description="Every save of a changed body is a new version; sent texts keep theirs.">
      <form onSubmit={onSubmit} noValidate className="grid gap-6 lg:grid-cols-2" aria-label="Template" aria-busy={busy}>
        <fieldset disabled={busy} className="min-w-0 space-y-4">
          {mutation.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(mutation.error)}</Alert> : null}
          {saved ? <Alert tone="success">{saved}</Alert> : null}
          {editing ? (
            <p className="text-sm text-slate-600">
              Key <span className="font-mono text-slate-900">{initial.key}</span> · editing version {version}
            </p>
          ) : (
            <TextField
              label="Key"
              name="key"
              defaultValue={initial.key}
              required
              pattern="[a-z0-9_]+"
              autoComplete="off"
              error={errors.key}
              hint="Lower-case letters, digits and _; code asks for texts by this key. It cannot change later."
            />
          )}
          <TextField label="Name" name="name" defaultValue={initial.name} required error={errors.name} />
          <TextField label="Description" name="description" defaultValue={initial.description} error={errors.description} />
          <SelectField label="Category" name="category" defaultValue={initial.category} error={errors.category}>
            {Object.entries(CATEGORIES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="space-y-1">
            <label htmlFor="body" className="block text-sm font-medium text-slate-800">
              Body
            </label>
            <textarea
              id="body"
              name="body"
              rows={6}
              value={body}
              onChange={(event) => setBody(event.target.value)}
              aria-invalid={errors.body || check.errors.length > 0 ? true : undefined}
              aria-describedby="body-hint"
              className={control}
            />
            {errors.body ? (
              <p role="alert" className="text-sm text-red-600">
                {errors.body}
              </p>
            ) : null}
            <p id="body-hint" className="text-xs text-slate-500">
              Use {"{{variable_name}}"} for values filled in per text. Warning above 320 characters; at most {TEMPLATE_BODY_MAX}.
            </p>
          </div>
          {check.variables.length > 0 ? (
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">Sample values for the preview</legend>
              {check.variables.map((name) => (
                <TextField
                  key={name}
                  label={name}
                  name={`sample-${name}`}
                  value={samples[name] ?? ""}
                  onChange={(event) => setSamples((current) => ({ ...current, [name]: event.target.value }))}
                />
              ))}
            </fieldset>
          ) : null}
          <Button type="submit" pending={busy} disabled={check.errors.length > 0}>
            {editing ? "Save" : "Create template"}
          </Button>
          {leaving ? (
            <p role="status" className="text-sm text-slate-600">
              Created. Opening the new template…
            </p>
          ) : null}
        </fieldset>
        <BodyPreview check={check} onFixLookalikes={() => (busy ? undefined : setBody(replaceLookalikes(body)))} />
      </form>
    </Card>
  );
}
