import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { CHANNEL, type Harness, present, TEAM } from './harness.js';

/** Opens a case through the real slash command and waits until its parent message is posted. */
export async function openViaCommand(
  h: Harness,
  text: string,
  o: { user?: string; channel?: string } = {},
): Promise<RecoveryCase> {
  // No port finds "the newest case" (ids are what tell): read through the store's executor (either engine).
  const conn = h.amends.store.conn;
  const before = await conn.get<{ m: number }>('SELECT COALESCE(MAX(id), 0) AS m FROM cases');
  const r = await h.command(text, o);
  if (r.status !== 200) throw new Error(`command answered ${r.status}`);
  const id = await present(async () => {
    const row = await conn.get<{ id: number; message_ts: string | null }>(
      'SELECT id, message_ts FROM cases WHERE id > ? ORDER BY id DESC LIMIT 1',
      [before?.m ?? 0],
    );
    return row?.message_ts ? row.id : undefined;
  }, 'case posted');
  present(
    () =>
      h.fake.messages.some(
        (m) => m.thread_ts && m.thread_ts !== m.ts && m.channel === (o.channel ?? CHANNEL),
      ),
    'first reply',
  );
  return h.amends.caseRepo.require(TEAM, id);
}

/** Bot replies in a case thread (excluding the parent), oldest first. */
export function threadReplies(h: Harness, c: RecoveryCase): StoredMessage[] {
  return h.fake.messages.filter((m) => m.thread_ts === c.messageTs && m.ts !== c.messageTs);
}

export function reminderPosts(h: Harness, c?: RecoveryCase): StoredMessage[] {
  return h.fake.messages.filter(
    (m) => m.metadata?.event_type === 'amends_reminder' && (!c || m.thread_ts === c.messageTs),
  );
}

export function reminderKeys(h: Harness): string[] {
  return reminderPosts(h).map((m) => String(m.metadata?.event_payload.key));
}

/** The case as stored now. */
export function refresh(h: Harness, c: RecoveryCase): Promise<RecoveryCase> {
  return h.amends.caseRepo.require(TEAM, c.id);
}

export function step(c: RecoveryCase, key: string) {
  const s = c.steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key}`);
  return s;
}
