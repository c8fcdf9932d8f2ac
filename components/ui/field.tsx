import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

const control =
  "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid=true]:ring-red-500";

interface FieldProps {
  label: string;
  name: string;
  /** Defaults to `name`; give one when the same form appears more than once on a page. */
  id?: string;
  error?: string;
  hint?: ReactNode;
}

/**
 * A labelled field: the label, the control(s), then the error (announced) or else the hint. Every
 * form field uses it, the kit's own and composite ones such as the time-zone picker.
 */
export function FieldShell({
  label,
  id,
  error,
  hint,
  className = "",
  children,
}: {
  label: string;
  /** The labelled control's id. */
  id: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`space-y-1 ${className}`.trim()}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** What a field's control carries: the look, invalid when there is an error, described by the message FieldShell shows. */
export function controlProps(id: string, error?: string, hint?: ReactNode) {
  return {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    className: control,
  };
}

export function TextField({ label, name, id = name, error, hint, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldShell label={label} id={id} error={error} hint={hint}>
      <input name={name} {...controlProps(id, error, hint)} {...props} />
    </FieldShell>
  );
}

export function SelectField({
  label,
  name,
  id = name,
  error,
  hint,
  children,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldShell label={label} id={id} error={error} hint={hint}>
      <select name={name} {...controlProps(id, error, hint)} {...props}>
        {children}
      </select>
    </FieldShell>
  );
}

export function Checkbox({ label, name, ...props }: { label: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label htmlFor={name} className="flex items-center gap-2 text-sm text-slate-800">
      <input id={name} name={name} type="checkbox" className="h-4 w-4 rounded border-slate-300 text-indigo-600" {...props} />
      {label}
    </label>
  );
}
