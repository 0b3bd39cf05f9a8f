import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { CHANNEL, type Harness, present, TEAM } from './harness.js';
import { caseIdOf } from './slack.js';

/** Opens a case through the real slash command and waits until its parent message is posted. */
export async function openViaCommand(
  h: Harness,
  text: string,
  o: { user?: string; channel?: string } = {},
): Promise<RecoveryCase> {
  const seen = new Set(h.fake.messages.map((m) => m.ts));
  const r = await h.command(text, o);
  if (r.status !== 200) throw new Error(`command answered ${r.status}`);
  // The newest case the command posted: its parent post names it, and the store has its ts.
  const id = await present(async () => {
    const posted = h.fake.messages
      .filter((m) => !seen.has(m.ts))
      .flatMap((m) => {
        const id = caseIdOf(m);
        return id === null ? [] : [{ id, ts: m.ts }];
      })
      .sort((a, b) => b.id - a.id)[0];
    if (!posted) return undefined;
    return (await h.amends.caseRepo.get(TEAM, posted.id))?.messageTs === posted.ts
      ? posted.id
      : undefined;
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
