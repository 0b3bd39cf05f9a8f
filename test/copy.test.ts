import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCopy } from '../src/copyCli.js';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { openCase as opening, type RecoveryCase } from '../src/domain/recoveryCase.js';
import type { CaseRepo } from '../src/store/caseRepo.js';
import { openStore, type Store } from '../src/store/index.js';
import { openInput } from './helpers/builders.js';
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
    // The source is a SQLite file whichever engine the run's other suites use.
    h = await startHarness({ now: '2026-11-23T08:00:00Z', engine: 'sqlite' });
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
    const counts = await s.ops.rows();
    const history = await s.reports.load({ teamId: TEAM });
    return { cases, counts, history };
  }

  it('copies every row, each case reading back on PostgreSQL as before', async () => {
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
      // Ids go on after the copied ones: a new case, and its first event, collide with no copied one.
      const next = await pg.repos.cases.insert(
        opening(openInput({ teamId: TEAM }), DEFAULT_PLAYBOOK, h.clock.now()),
        h.clock.now(),
      );
      expect(next.id).toBeGreaterThan(Math.max(...opened.map((c) => c.id)));
      const [first] = await (pg.repos.cases as CaseRepo).events(TEAM, next.id);
      expect(first?.id).toBeGreaterThan(before.counts.events);
    } finally {
      await pg.close();
    }
  });

  it('refuses a second copy into the now non-empty target', async () => {
    const target = await freshPgDatabase();
    try {
      await runCopy(['--from', path, '--to', target.url]);
      await expect(runCopy(['--from', path, '--to', target.url])).rejects.toThrow(/not empty/);
    } finally {
      await target.drop();
    }
  });

  it('refuses a missing source with a readable line', async () => {
    await expect(runCopy(['--from', '/nonexistent/amends.db', '--to', pgDb.url])).rejects.toThrow(
      'No SQLite database at /nonexistent/amends.db',
    );
  });

  it('refuses a target that is not PostgreSQL with a readable line', async () => {
    await expect(runCopy(['--from', path, '--to', 'mysql://x/y'])).rejects.toThrow(
      /must be a PostgreSQL URL/,
    );
  });

  it('asks for the source when none is given', async () => {
    await expect(runCopy(['--to', pgDb.url])).rejects.toThrow(/--from/);
  });
});
