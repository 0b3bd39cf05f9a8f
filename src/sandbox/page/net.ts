/** The page's requests to the sandbox server, and the toast that says what came of them. */
import { $ } from './dom.js';

/** An /api/* answer: `ok: false` (or an HTTP error) with the reason in `error`. */
export interface Answer {
  ok?: boolean;
  error?: string;
  [key: string]: unknown;
}

/** POSTs JSON; rejects with the server's reason when it refused. */
export function post<T extends Answer = Answer>(path: string, body: object): Promise<T> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) =>
    r
      .json()
      .catch(() => ({}))
      .then((j: T) => {
        if (!r.ok || j.ok === false) throw new Error(j.error || `HTTP ${r.status}`);
        return j;
      }),
  );
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function toast(text: string): void {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.hidden = true;
  }, 3500);
}
export function fail(e: unknown): void {
  toast(`Something went wrong: ${e instanceof Error && e.message ? e.message : e}`);
}
