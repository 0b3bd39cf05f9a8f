/**
 * What only a real PostgreSQL server can show: several pools (processes) on one database at once.
 * Row locks serialise read-decide-write on a case, SKIP LOCKED keeps two claimers off each other's
 * reminders, and processes starting together on a new database migrate it once.
 */
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  completeStep,
  type OpenCaseInput,
  openCase,
  type RecoveryCase,
} from '../../src/domain/recoveryCase.js';
import type { CaseStore } from '../../src/services/ports.js';
import { migratePostgres } from '../../src/store/db.js';
import type { PgConn } from '../../src/store/sql.js';
import { openInput } from '../helpers/builders.js';
import { describePostgres, freshPgDatabase, type PgDatabase } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const PB = DEFAULT_PLAYBOOK;
const TEAM = 'T0TEAM001';
const OWNER = 'U0OWNER01';
const NOW = new Date('2026-01-14T10:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const opened = (o: Partial<OpenCaseInput> = {}) =>
  openCase(openInput({ teamId: TEAM, ownerId: OWNER, creatorId: OWNER, ...o }), PB, NOW);

describePostgres('several pools on one database', () => {
  const s = storePerTest('postgres');

  it('concurrent updates of one case from two pools serialise: no update is lost', async () => {
    const c = await s.cases.insert(opened(), NOW);
    const other = (await s.another()).repos.cases;
    const n = 24;
    /** Appends `|i` to the outcome reason: an update that read a stale case would drop a mark. */
    const mark = (repo: CaseStore, i: number) =>
      repo.update(TEAM, c.id, later(i), (x: RecoveryCase) => ({
        case: { ...x, outcomeReason: `${x.outcomeReason ?? ''}|${i}`, version: x.version + 1 },
        event: { type: 'test', actor: OWNER },
      }));
    await Promise.all(Array.from({ length: n }, (_, i) => mark(i % 2 === 0 ? s.cases : other, i)));
    const back = await s.cases.require(TEAM, c.id);
    const marks = (back.outcomeReason ?? '').split('|').slice(1).map(Number);
    expect(marks.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(back.version).toBe(1 + n);
    expect(await s.cases.events(TEAM, c.id)).toHaveLength(1 + n);
  });

  it('the same step completed from two pools at once: one completes it, the other sees it done', async () => {
    // Each decision reads the steps: one that waited for the case's lock must read them as the
    // winner committed them (a statement that waited sees other tables as they were when it began).
    for (let round = 0; round < 10; round++) {
      const c = await s.cases.insert(opened(), NOW);
      const other = (await s.another()).repos.cases;
      const results = await Promise.allSettled(
        [s.cases, other].map((repo, i) =>
          repo.update(TEAM, c.id, later(1), (x: RecoveryCase) =>
            completeStep(x, 'own_up', `U0CLICK0${i}`, x.steps[0]?.version ?? null, PB, later(1)),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as { code?: string }).code).toBe('already_done');
      const done = (await s.cases.events(TEAM, c.id)).filter((e) => e.type === 'step_done');
      expect(done).toHaveLength(1);
    }
  });

  it('claimReady from two pools at once never hands out one reminder twice (SKIP LOCKED)', async () => {
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await s.cases.insert(opened(), NOW));
    for (const c of cases)
      await s.reminders.enqueue(
        c,
        'own_up',
        Array.from({ length: 10 }, (_, k) => ({ kind: 'nudge' as const, occurrence: k + 1 })),
        NOW,
      );
    const total = cases.length * 10;
    const other = (await s.another()).repos.reminders;
    const claimed: number[][] = [[], []];
    // Each pool claims in parallel batches until nothing is left.
    const drain = async (repo: typeof other, into: number[], holder: string) => {
      for (;;) {
        const batches = await Promise.all(
          Array.from({ length: 4 }, () => repo.claimReady(later(1), 3, holder)),
        );
        const got = batches.flat();
        if (got.length === 0) return;
        into.push(...got.map((r) => r.id));
      }
    };
    await Promise.all([
      drain(s.reminders, claimed[0] as number[], 'one'),
      drain(other, claimed[1] as number[], 'two'),
    ]);
    const all = claimed.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    // Both pools got work: they claimed side by side, not one after the other.
    expect(claimed[0]?.length).toBeGreaterThan(0);
    expect(claimed[1]?.length).toBeGreaterThan(0);
    const inFlight = await s.reminders.inFlight();
    expect(inFlight).toHaveLength(total);
    expect(new Set(inFlight.map((r) => r.claimedBy))).toEqual(new Set(['one', 'two']));
    expect(inFlight.every((r) => r.attempts === 1)).toBe(true);
  });
});

describePostgres('connections the server drops', () => {
  const s = storePerTest('postgres');

  it('an idle pooled connection ended by the server neither crashes the process nor breaks the store', async () => {
    // Several connections opened, then idle in the pool.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        s.store.uow.run(async (tx) => tx.workspaces.pause(`T${i}`, 'r', NOW)),
      ),
    );
    const pool = (s.conn as PgConn).pool;
    expect(pool.idleCount).toBeGreaterThan(0);
    // pg-pool re-emits an idle client's error on the pool: with no listener there, an uncaught
    // exception that ends the process.
    expect(pool.listenerCount('error'), 'an error listener on the pool').toBeGreaterThan(0);
    // What a server restart or an idle timeout in between does to them.
    const admin = new pg.Client({ connectionString: s.where });
    await admin.connect();
    try {
      const ended = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // The pool sees its connections end (an 'error' on each idle client) and lets them go.
    for (let i = 0; i < 200 && pool.totalCount > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(pool.totalCount).toBe(0);
    // And the store goes on, on new connections.
    expect(await s.workspaces.pausedReason('T1')).toBe('r');
    await s.store.uow.run(async (tx) => tx.workspaces.resume('T1'));
    expect(await s.workspaces.pausedReason('T1')).toBeNull();
  });
});

describePostgres('processes starting together on a new database', () => {
  const dbs: PgDatabase[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  /**
   * The schema as the catalog describes it (columns, indexes, constraints), and how many rows each
   * table holds (a migration applied twice could write its rows twice).
   */
  const schemaOf = async (pool: pg.Pool) => {
    const tables = (
      await pool.query(
        'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
      )
    ).rows.map((r) => r.t as string);
    const rows: string[] = [];
    for (const t of tables)
      rows.push(`${t}: ${(await pool.query(`SELECT COUNT(*)::int AS n FROM "${t}"`)).rows[0]?.n}`);
    const defs = (
      await pool.query(
        `SELECT table_name || '.' || column_name || ' ' || data_type AS d
           FROM information_schema.columns WHERE table_schema = current_schema()
         UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
         UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
           WHERE connamespace = current_schema()::regnamespace
         ORDER BY 1`,
      )
    ).rows.map((r) => r.d as string);
    return [...defs, ...rows];
  };

  it('migratePostgres from three pools at once, five times: all succeed, the schema is made once', async () => {
    // The schema as one pool alone makes it.
    const ref = await freshPgDatabase();
    dbs.push(ref);
    const alone = new pg.Pool({ connectionString: ref.url, max: 2 });
    let expected: string[];
    try {
      await migratePostgres(alone);
      expected = await schemaOf(alone);
    } finally {
      await alone.end();
    }
    expect(expected.length).toBeGreaterThan(50);

    for (let round = 0; round < 5; round++) {
      const d = await freshPgDatabase();
      dbs.push(d);
      const pools = Array.from(
        { length: 3 },
        () => new pg.Pool({ connectionString: d.url, max: 2 }),
      );
      try {
        const results = await Promise.allSettled(pools.map((p) => migratePostgres(p)));
        expect(
          results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')),
          `round ${round}`,
        ).toEqual(['ok', 'ok', 'ok']);
        expect(await schemaOf(pools[0] as pg.Pool)).toEqual(expected);
        // And again, on the migrated database: nothing to do, nothing changes.
        await migratePostgres(pools[1] as pg.Pool);
        expect(await schemaOf(pools[2] as pg.Pool)).toEqual(expected);
      } finally {
        await Promise.all(pools.map((p) => p.end()));
      }
    }
  }, 120_000);
});
