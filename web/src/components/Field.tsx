/**
 * A form field with its label, a hint, and the server's (or the editor's) messages for it,
 * tied to the control for screen readers (aria-describedby, aria-invalid).
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.js';

/** The attributes a control takes to be described by its hint and errors. */
export function describe(id: string, errors: readonly string[], hint?: string): { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string } {
  const ids = [hint !== undefined ? `${id}-hint` : undefined, errors.length > 0 ? `${id}-error` : undefined].filter((x) => x !== undefined);
  return { id, 'aria-invalid': errors.length > 0, ...(ids.length > 0 ? { 'aria-describedby': ids.join(' ') } : {}) };
}

export function Field({ id, label, errors, hint, children, className }: { id: string; label: string; errors: readonly string[]; hint?: string; children: ReactNode; className?: string }) {
  return (
    <div className={`field ${errors.length > 0 ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function FieldErrors({ id, errors }: { id: string; errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <span id={id} className="field-error">
      {errors.join('; ')}
    </span>
  );
}

/**
 * The issues of an error answer split by field: `fieldOf` maps a pointer to a field name (or
 * undefined when no field of the form shows it); the rest go to `other`, with the message of
 * an answer that named no field at all.
 */
export function issuesByField(error: ApiError | undefined, fieldOf: (pointer: string) => string | undefined): { byField: Map<string, string[]>; other: string[] } {
  const byField = new Map<string, string[]>();
  const other: string[] = [];
  if (error === undefined) return { byField, other };
  for (const issue of error.issues) {
    const field = fieldOf(issue.path);
    if (field === undefined) other.push(issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`);
    else byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  if (error.issues.length === 0) other.push(error.message);
  return { byField, other };
}
