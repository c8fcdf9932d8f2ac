"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/client";
import { errorMessage } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Alert, Loading } from "../../ui/states";
import { TemplateEditor } from "./template-editor";
import { VersionHistory } from "./version-history";

export function TemplateDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const template = useQuery(trpc.admin.templates.get.queryOptions({ id }));
  const setActive = useMutation(
    trpc.admin.templates.setActive.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.admin.templates.pathFilter()),
    }),
  );
  if (template.isPending) return <Loading label="Loading the template…" />;
  if (template.isError) return <Alert>Could not load the template: {template.error.message}</Alert>;
  const t = template.data;
  const current = t.versions.find((v) => v.version === t.currentVersion);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <p className="text-sm text-slate-700" data-testid="template-active">
          {t.active ? "Active: texts are sent from this template." : "Inactive: texts requested from it are skipped (template inactive)."}
        </p>
        <Button
          variant={t.active ? "danger" : "primary"}
          pending={setActive.isPending}
          onClick={() => setActive.mutate({ id, active: !t.active })}
          className="ml-auto"
        >
          {t.active ? "Deactivate" : "Activate"}
        </Button>
        {setActive.isError ? <Alert>{errorMessage(setActive.error)}</Alert> : null}
      </div>
      <TemplateEditor
        key={t.id}
        initial={{ id: t.id, key: t.key, name: t.name, description: t.description, category: t.category, body: current?.body ?? "", version: t.currentVersion }}
      />
      <VersionHistory versions={t.versions} />
    </div>
  );
}
