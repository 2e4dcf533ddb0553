/** A titled section of a page, and the notes panels show while loading or when they fail. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function Panel({ title, id, aside, children, className }: { title: string; id: string; aside?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={`${id}-title`}>
      <header className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {aside !== undefined && <div className="panel-aside">{aside}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** What went wrong, in the API's words. */
export function ErrorNote({ error, what }: { error: Error; what: string }) {
  const detail = error instanceof ApiError ? `${error.message} (${error.code})` : error.message;
  return (
    <p className="note note-error" role="alert">
      Could not load {what}: {detail}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="note" role="status">
      Loading {what}…
    </p>
  );
}
