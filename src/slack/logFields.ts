import { decodeMeta } from './ids.js';
import { teamOf } from './listeners/deps.js';

/**
 * What a request's log lines are about: its workspace (`team`) and, when a button or a modal names
 * one, its case (`case`). Read from the raw body, before any listener; forged or malformed values
 * name nothing (the button values and modal metadata are parsed as the listeners parse them).
 */
export function requestLogFields(body: unknown): { team?: string; case?: number } {
  const out: { team?: string; case?: number } = {};
  const team = teamOf(body);
  if (team) out.team = team;
  const b = body as {
    actions?: readonly { value?: unknown; selected_option?: { value?: unknown } }[];
    view?: { private_metadata?: unknown };
  };
  const action = Array.isArray(b.actions) ? b.actions[0] : undefined;
  const value = action?.value ?? action?.selected_option?.value;
  // Every button and menu value that names a case starts with its id (ids.ts: `<case>|...`).
  const fromValue = typeof value === 'string' ? /^(\d{1,12})\|/.exec(value)?.[1] : undefined;
  const meta =
    typeof b.view?.private_metadata === 'string' ? decodeMeta(b.view.private_metadata) : null;
  const id = fromValue ? Number(fromValue) : meta?.caseId;
  if (id !== undefined && id > 0) out.case = id;
  return out;
}
