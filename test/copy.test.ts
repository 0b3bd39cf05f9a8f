import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCopy } from '../src/copyCli.js';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import type { RecoveryCase } from '../src/domain/recoveryCase.js';
import { openStore, type Store } from '../src/store/index.js';
import { type Harness, startHarness, TEAM } from './helpers/harness.js';
import { describePostgres, freshPgDatabase, type PgDatabase } from './helpers/postgres.js';
import { openCase } from './helpers/slack.js';

describePostgres('db:copy moves a SQLite database into an empty PostgreSQL one', () => {
  let h: Harness;
  let pgDb: PgDatabase;
  let path: string;
  const opened: RecoveryCase[] = [];
  // One case per language: the creator's Slack locale picks it (Italian, Greek, Catalan, English).
  const by = [
    ['U0GIULIA1', 'Ristorante Da Mario: consegna sbagliata a Torino', 'it'],
    ['U0NIKOS01', 'Ταβέρνα Νίκος: λάθος παράδοση στην Αθήνα', 'el'],
    ['U0JORDI01', 'Forn Puig: comanda equivocada a Girona', 'ca'],
    ['U0MARIA01', 'Acme Corp: shipped the wrong pallets to Turin', 'en'],
  ] as const;

  beforeAll(async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    path = join(h.dir, 'amends.db');
    for (const [user, text] of by) opened.push((await openCase(h, text, { user })).c);
    // Time passes: the reminder engine plans and posts (outbox rows, their state), lines are stored.
    h.clock.advance(26 * 3600_000);
    await h.amends.reminders.tick();
    await h.amends.stop();
    pgDb = await freshPgDatabase();
  });
  afterAll(async () => {
    await h?.close().catch(() => {});
    await pgDb?.drop();
  });

  async function everything(s: Store) {
    const cases = [];
    for (const c of opened) cases.push(await s.repos.cases.get(TEAM, c.id));
    const counts: Record<string, number> = {};
    for (const t of [
      'cases',
      'steps',
      'events',
      'reminders',
      'thread_lines',
      'handled_requests',
      'user_profiles',
    ])
      counts[t] = (
        (await s.conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`)) as { n: number }
      ).n;
    const history = await s.reports.load({ teamId: TEAM });
    return { cases, counts, history };
  }

  it('copies every row, refuses a second copy into the now non-empty target, and a bot on PostgreSQL shows each case as before', async () => {
    const sqlite = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
    const before = await everything(sqlite);
    await sqlite.close();
    expect(before.cases.map((c) => c?.lang)).toEqual(by.map((b) => b[2]));
    expect(before.counts.reminders).toBeGreaterThan(0);
    expect(before.counts.events).toBeGreaterThanOrEqual(4);

    const out = await runCopy(['--from', path, '--to', pgDb.url]);
    expect(out).toMatch(/^Copied .* rows/);
    expect(out).toMatch(new RegExp(`cases\\s+${opened.length}\\b`));
    expect(out).toMatch(new RegExp(`events\\s+${before.counts.events}\\b`));
    expect(out).toMatch(new RegExp(`reminders\\s+${before.counts.reminders}\\b`));

    const pg = await openStore({ url: pgDb.url, path: '', playbook: DEFAULT_PLAYBOOK });
    try {
      const after = await everything(pg);
      expect(after).toEqual(before);
      // Ids go on after the copied ones: a new case does not collide with a copied one.
      const next = await pg.conn.get<{ id: number }>(
        `INSERT INTO events (team_id, case_id, at, actor, type, step_key, data)
         VALUES (?, ?, 0, 'test', 'note', NULL, NULL) RETURNING id`,
        [TEAM, opened[0]?.id ?? 0],
      );
      expect(next?.id).toBeGreaterThan(before.counts.events ?? 0);
    } finally {
      await pg.close();
    }

    await expect(runCopy(['--from', path, '--to', pgDb.url])).rejects.toThrow(/not empty/);
  });

  it('refuses a missing source and a target that is not PostgreSQL, with a readable line', async () => {
    await expect(runCopy(['--from', '/nonexistent/amends.db', '--to', pgDb.url])).rejects.toThrow(
      'No SQLite database at /nonexistent/amends.db',
    );
    await expect(runCopy(['--from', path, '--to', 'mysql://x/y'])).rejects.toThrow(
      /must be a PostgreSQL URL/,
    );
    await expect(runCopy(['--to', pgDb.url])).rejects.toThrow(/--from/);
  });
});
