/**
 * The repositories' contract, on both engines: every test runs against a SQLite file and against a
 * PostgreSQL database ("[sqlite] …", "[postgres] …"). What only one engine has (SQLite's pragmas,
 * files and query plans) is tested on that engine alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { NO_DETAILS } from '../../src/domain/client.js';
import { DEFAULT_PLAYBOOK, type StepKey } from '../../src/domain/playbook.js';
import {
  type Changed,
  closeCase,
  completeStep,
  type OpenCaseInput,
  openCase,
  type RecoveryCase,
  rememberUndo,
  type StepStatus,
  snoozeStep,
} from '../../src/domain/recoveryCase.js';
import { CaseRepo } from '../../src/store/caseRepo.js';
import { migrate, openDatabase, SCHEMA_VERSION } from '../../src/store/db.js';
import { ReminderRepo } from '../../src/store/reminderRepo.js';
import { type Conn, SqliteConn } from '../../src/store/sql.js';
import { WorkspaceRepo } from '../../src/store/workspaceRepo.js';
import { domainError, openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { recording, type Seen, storePerTest } from './engine.js';

const PB = DEFAULT_PLAYBOOK;
const TEAM = 'T0TEAM001';
const OTHER = 'T_OTHER';
const OWNER = 'U0OWNER01';
const NOW = new Date('2026-01-14T10:00:00Z'); // Wed 11:00 Rome; own_up (major) due 14:00Z
const at = (iso: string) => new Date(iso);
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function opened(o: Partial<OpenCaseInput> = {}, now = NOW): Changed {
  return openCase(openInput({ teamId: TEAM, ownerId: OWNER, creatorId: OWNER, ...o }), PB, now);
}

describeEngines('store', (engine) => {
  const s = storePerTest(engine);

  const count = async (table: string): Promise<number> =>
    (await s.conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1;
  const clientRows = () => s.conn.all('SELECT * FROM clients ORDER BY id');
  /** Everything the database holds, to compare before and after a refused change. */
  const snapshot = async () => ({
    cases: await s.conn.all('SELECT * FROM cases ORDER BY id'),
    steps: await s.conn.all('SELECT * FROM steps ORDER BY case_id, position'),
    events: await s.conn.all('SELECT * FROM events ORDER BY id'),
    reminders: await s.conn.all('SELECT * FROM reminders ORDER BY id'),
    handled: await s.conn.all('SELECT * FROM handled_requests ORDER BY team_id, key'),
  });

  if (engine === 'sqlite')
    describe('openDatabase', () => {
      /** The SQLite handle of this test's store. */
      const db = () => s.store.sqlite as Database.Database;

      it('sets its pragmas (WAL, foreign keys, busy timeout, synchronous) on every open', async () => {
        expect(db().pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db().pragma('foreign_keys', { simple: true })).toBe(1);
        expect(db().pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
        expect(db().pragma('synchronous', { simple: true })).toBe(2); // FULL
        await s.store.close();
        const again = openDatabase(s.where);
        try {
          expect(again.pragma('foreign_keys', { simple: true })).toBe(1);
          expect(again.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
          expect(again.pragma('synchronous', { simple: true })).toBe(2);
        } finally {
          again.close();
        }
      });

      it("a lease write leaves the connection's synchronous setting as it was (FULL)", async () => {
        await s.store.repos.leases.take('k', 'a', new Date(), 1000);
        expect(db().pragma('synchronous', { simple: true })).toBe(2); // FULL, as opened
      });

      it('writes through a WAL file next to the database', async () => {
        await s.cases.insert(opened(), NOW);
        expect(existsSync(`${s.where}-wal`)).toBe(true);
      });

      it('creates the folder the database lives in', () => {
        const nested = join(s.where, '..', 'a', 'b', 'amends.db');
        openDatabase(nested).close();
        expect(existsSync(nested)).toBe(true);
      });

      it('migrates to SCHEMA_VERSION', () => {
        expect(db().pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
      });

      it('opening a migrated database again changes neither its schema nor its data', async () => {
        const stored = await s.cases.insert(opened(), NOW);
        const schema = db()
          .prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name')
          .all();
        migrate(db()); // idempotent on an open database too
        await s.store.close();
        for (let i = 0; i < 2; i++) {
          const again = openDatabase(s.where);
          try {
            expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
            expect(
              again.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
            ).toEqual(schema);
            expect(await new CaseRepo(new SqliteConn(again), PB).get(TEAM, stored.id)).toEqual(
              stored,
            );
          } finally {
            again.close();
          }
        }
      });

      it('refuses a database from a newer schema version with a clear message', async () => {
        db().pragma(`user_version = ${SCHEMA_VERSION + 1}`);
        await s.store.close();
        expect(() => openDatabase(s.where)).toThrow(
          `database schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
        );
        // and changed nothing
        const raw = new Database(s.where, { readonly: true });
        try {
          expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
        } finally {
          raw.close();
        }
      });
    });

  if (engine === 'postgres')
    describe('migratePostgres', () => {
      /** The schema as the catalog describes it: tables, columns, constraints and indexes. */
      const schemaOf = (c: Conn) =>
        c.all(
          `SELECT 'column' AS kind, table_name AS name, column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') AS def
             FROM information_schema.columns WHERE table_schema = current_schema()
           UNION ALL
           SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
           UNION ALL
           SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace
           ORDER BY 1, 2, 3`,
        );

      it('opening a migrated database again changes neither its schema nor its data', async () => {
        const stored = await s.cases.insert(opened(), NOW);
        const schema = await schemaOf(s.conn);
        expect(schema.length).toBeGreaterThan(50);
        for (let i = 0; i < 2; i++) {
          const again = await s.another();
          expect(await schemaOf(again.conn)).toEqual(schema);
          expect(await again.repos.cases.get(TEAM, stored.id)).toEqual(stored);
        }
        expect(await s.conn.all('SELECT version FROM amends_schema')).toEqual([
          { version: SCHEMA_VERSION },
        ]);
      });

      it('refuses a database from a newer schema version with a clear message', async () => {
        await s.conn.run('UPDATE amends_schema SET version = ?', [SCHEMA_VERSION + 1]);
        try {
          await expect(s.another()).rejects.toThrow(
            `database schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
          );
          // and changed nothing
          expect(await s.conn.all('SELECT version FROM amends_schema')).toEqual([
            { version: SCHEMA_VERSION + 1 },
          ]);
        } finally {
          await s.conn.run('UPDATE amends_schema SET version = ?', [SCHEMA_VERSION]);
        }
      });
    });

  it('enforces foreign keys', async () => {
    await expect(
      s.conn.run(
        `INSERT INTO events (team_id, case_id, at, actor, type) VALUES ('T', 9999, 0, 'U', 'x')`,
      ),
    ).rejects.toThrow(/FOREIGN KEY/i);
  });

  describe('CaseRepo: what insert stores, get reads back', () => {
    it('round-trips every field of a case, its steps’ too', async () => {
      const base = opened().case;
      const full: RecoveryCase = {
        ...base,
        messageTs: '1768384800.000100',
        status: 'won_back',
        answer: 'accepted',
        answeredAt: at('2026-01-20T09:15:30.123Z'),
        outcomeReason: 'They ordered again',
        meetingAt: at('2026-01-16T14:00:00Z'),
        outline: {
          happened: 'Pallets went to Bari',
          why: 'Shared label template',
          prevention: 'Second check',
          summary: 'Two sentences. Really.',
        },
        lang: 'it',
        tz: 'America/New_York',
        closedAt: at('2026-02-01T08:00:00Z'),
        deliveryProblem: 'not_in_channel',
        version: 7,
        steps: base.steps.map((st, i) => ({
          ...st,
          optional: i % 2 === 0,
          status: (['waiting', 'pending', 'snoozed', 'done', 'skipped'] as const)[
            i % 5
          ] as StepStatus,
          startedAt: at('2026-01-14T10:00:00.001Z'),
          dueAt: at('2026-01-15T10:00:00Z'),
          doneAt: at('2026-01-15T11:00:00Z'),
          doneBy: 'U0MATE001',
          note: `note ${i} ✓`,
          snoozedUntil: at('2026-01-16T08:00:00Z'),
          nextRemindAt: at('2026-01-16T08:00:00Z'),
          remindCount: i,
          escalatedAt: at('2026-01-17T08:00:00Z'),
          version: i + 3,
        })),
      };
      const stored = await s.cases.insert(
        { case: full, event: { type: 'case_opened', actor: OWNER } },
        NOW,
      );
      expect(stored.id).toBeGreaterThan(0);
      expect(await s.cases.get(TEAM, stored.id)).toEqual({ ...full, id: stored.id });
    });

    it('round-trips the last click kept for Undo in full (steps, answer, changes, severity)', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      const c = (await s.cases.get(TEAM, stored.id)) as RecoveryCase;
      const ch = await s.cases.update(TEAM, c.id, later(5), (x) =>
        rememberUndo(x, completeStep(x, 'own_up', OWNER, null, PB, later(5)), later(5)),
      );
      const withChange: RecoveryCase = {
        ...ch.case,
        severity: 'critical',
        undo: ch.case.undo
          ? {
              ...ch.case.undo,
              before: {
                ...ch.case.undo.before,
                answer: 'refused',
                answeredAt: at('2026-01-14T10:01:00Z'),
                changes: [
                  {
                    id: 1,
                    what: 'Second check ✓',
                    who: null,
                    by: at('2026-01-20T16:00:00Z'),
                    status: 'open',
                    reason: null,
                    doneAt: null,
                  },
                ],
              },
            }
          : null,
      };
      await s.cases.save(withChange);
      const back = await s.cases.get(TEAM, c.id);
      expect(back).toEqual(withChange);
      expect(back?.undo?.before.steps.find((x) => x.key === 'own_up')?.status).toBe('pending');
    });

    it('round-trips the nulls of a fresh case', async () => {
      const c = opened().case;
      const stored = await s.cases.insert(opened(), NOW);
      expect(await s.cases.get(TEAM, stored.id)).toEqual({ ...c, id: stored.id });
      expect(stored.messageTs).toBeNull();
      expect(stored.outline).toBeNull();
    });

    it('keeps Unicode text exactly as typed, up to 4,000 characters', async () => {
      const piece =
        'Ψαροταβέρνα «Ο Νίκος» & Cal Pep · l’entrega <!channel> <@U123> 🧑‍🍳🍕 مرحبا Cafe\u0301 ';
      let summary = '';
      while (summary.length + piece.length <= 4000) summary += piece;
      summary += 'x'.repeat(4000 - summary.length);
      expect(summary.length).toBe(4000);
      const client = '🍕 Pizzeria «Da Mário» & Figli <!channel> — Ἀθῆναι';
      const stored = await s.cases.insert(opened({ client, summary }), NOW);
      const back = await s.cases.get(TEAM, stored.id);
      expect(back?.client).toBe(client);
      expect(back?.summary).toBe(summary);
      expect(back?.summary.length).toBe(4000);
    });

    it('records the opening event', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      expect(await s.cases.events(TEAM, stored.id)).toEqual([
        {
          id: expect.any(Number),
          at: NOW,
          actor: OWNER,
          type: 'case_opened',
          data: { severity: 'major', owner: OWNER },
        },
      ]);
    });

    it('the same requestKey twice → duplicate_request, the second storing nothing', async () => {
      const first = await s.cases.insert(opened(), NOW, 'trigger-123');
      const before = await snapshot();
      const e = await domainError(() =>
        s.cases.insert(opened({ client: 'Other' }), later(1), 'trigger-123'),
      );
      expect(e.code).toBe('duplicate_request');
      expect(await snapshot()).toEqual(before);
      expect(await count('cases')).toBe(1);
      expect((await s.cases.get(TEAM, first.id))?.client).toBe('Acme');
    });

    it('the same words again within the window are refused (same_case) with nothing of them stored', async () => {
      const same = { key: 'same:acme', withinMs: 10 * 60_000 };
      const acme = { key: 'acme', name: 'Acme', details: NO_DETAILS };
      await s.cases.insert(opened(), NOW, 'trigger-1', same, acme);
      const before = { ...(await snapshot()), clients: await clientRows() };
      const e = await domainError(() =>
        s.cases.insert(opened(), later(1), 'trigger-2', same, {
          ...acme,
          details: { ...NO_DETAILS, email: 'orders@acme.example' },
        }),
      );
      expect(e.code).toBe('same_case');
      // Neither its request key nor its client's new detail is kept.
      expect({ ...(await snapshot()), clients: await clientRows() }).toEqual(before);
    });

    it('a case stored with its client links to the client record', async () => {
      const details = { ...NO_DETAILS, email: 'orders@acme.example' };
      const stored = await s.cases.insert(opened(), NOW, 'trigger-1', undefined, {
        key: 'acme',
        name: 'Acme',
        details,
      });
      const client = await s.store.repos.clients.byKey(TEAM, 'acme');
      expect(client).toMatchObject({ name: 'Acme', email: 'orders@acme.example' });
      expect(stored.clientId).toBe(client?.id);
      expect((await s.cases.require(TEAM, stored.id)).clientId).toBe(client?.id);
    });

    it('request keys are per team', async () => {
      await s.cases.insert(opened(), NOW, 'trigger-123');
      await s.cases.insert(opened({ teamId: OTHER }), NOW, 'trigger-123');
      expect(await count('cases')).toBe(2);
    });

    it('inserts without a key never clash', async () => {
      await s.cases.insert(opened(), NOW, 'trigger-123');
      await s.cases.insert(opened(), NOW);
      await s.cases.insert(opened(), NOW);
      expect(await count('cases')).toBe(3);
    });
  });

  describe('CaseRepo: every read, every write is scoped by team', () => {
    it('another team cannot read the case', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      expect(await s.cases.get(OTHER, stored.id)).toBeNull();
      expect((await domainError(() => s.cases.require(OTHER, stored.id))).code).toBe(
        'case_not_found',
      );
      expect(await s.cases.events(OTHER, stored.id)).toEqual([]);
      expect(await s.cases.listOpen(OTHER, 'C0CHAN001', OWNER)).toEqual([]);
      expect(await s.cases.listOwned(OTHER, OWNER)).toEqual([]);
      expect((await s.cases.listOpen(TEAM, 'C0CHAN001', 'U0NOBODY1')).map((c) => c.id)).toEqual([
        stored.id,
      ]);
    });

    it('another team cannot change the case: case_not_found, nothing written', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      const before = await snapshot();
      const decide = vi.fn((c: RecoveryCase) => completeStep(c, 'own_up', OWNER, 1, PB, NOW));
      expect(
        (await domainError(() => s.cases.update(OTHER, stored.id, later(5), decide))).code,
      ).toBe('case_not_found');
      expect(decide).not.toHaveBeenCalled();
      await s.cases.setMessageTs(OTHER, stored.id, '1.2');
      await s.cases.setDeliveryProblem(OTHER, stored.id, 'hacked');
      expect(await snapshot()).toEqual(before);
    });

    it('an unknown id → case_not_found', async () => {
      expect(
        (
          await domainError(() =>
            s.cases.update(TEAM, 424242, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW)),
          )
        ).code,
      ).toBe('case_not_found');
    });
  });

  describe('CaseRepo: update', () => {
    it('stores the decided change', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      const r = await s.cases.update(TEAM, stored.id, later(30), (c) =>
        completeStep(c, 'own_up', OWNER, 1, PB, later(30)),
      );
      const back = await s.cases.get(TEAM, stored.id);
      expect(back).toEqual(r.case);
      expect(back?.steps[0]?.status).toBe('done');
      expect(back?.version).toBe(2);
    });

    it('is atomic: a decide() that throws leaves the database unchanged', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      const before = await snapshot();
      const e = await domainError(() =>
        s.cases.update(TEAM, stored.id, later(1), (c) =>
          completeStep(c, 'own_up', OWNER, 99, PB, NOW),
        ),
      );
      expect(e.code).toBe('stale_action');
      expect(await snapshot()).toEqual(before);
    });

    it('is atomic: a write failing half-way rolls back all written before it', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(stored, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      const before = await snapshot();
      await expect(
        s.cases.update(TEAM, stored.id, later(1), (c) => ({
          case: {
            ...c,
            client: c.client,
            status: 'won_back',
            version: c.version + 1,
            steps: c.steps.map((st, i) =>
              i === 0
                ? { ...st, status: 'done' as const } // cancels own_up's pending nudge…
                : i === c.steps.length - 1
                  ? { ...st, status: 'bogus' as StepStatus } // …then the last write fails its CHECK
                  : { ...st, note: 'changed' },
            ),
          },
          event: { type: 'test', actor: OWNER },
        })),
      ).rejects.toThrow(/CHECK constraint/i);
      expect(await snapshot()).toEqual(before);
      expect((await s.reminders.forCase(TEAM, stored.id))[0]?.status).toBe('pending');
    });

    it('appends one event per change: the audit trail', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      await s.cases.update(TEAM, stored.id, later(10), (c) =>
        completeStep(c, 'own_up', OWNER, 1, PB, later(10), 'Called Anna at 11:10'),
      );
      await s.cases.update(TEAM, stored.id, later(20), (c) =>
        snoozeStep(c, 'outline', at('2026-01-15T08:00:00Z'), 'U0MATE001', 1, later(20)),
      );
      await s.cases.update(TEAM, stored.id, later(30), (c) =>
        closeCase(c, 'lost', 'Went elsewhere', OWNER, later(30)),
      );
      const events = await s.cases.events(TEAM, stored.id);
      expect(events.map(({ id: _id, ...e }) => e)).toEqual([
        { at: NOW, actor: OWNER, type: 'case_opened', data: { severity: 'major', owner: OWNER } },
        {
          at: later(10),
          actor: OWNER,
          type: 'step_done',
          stepKey: 'own_up',
          data: { note: 'Called Anna at 11:10' },
        },
        {
          at: later(20),
          actor: 'U0MATE001',
          type: 'step_snoozed',
          stepKey: 'outline',
          data: { until: '2026-01-15T08:00:00.000Z' },
        },
        {
          at: later(30),
          actor: OWNER,
          type: 'case_closed',
          data: { outcome: 'lost', reason: 'Went elsewhere' },
        },
      ]);
      const ids = events.map((e) => e.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it('keeps next_check_at (what the reminder tick reads) in step with the case', async () => {
      const stored = await s.cases.insert(opened(), NOW);
      const nextCheck = async (key: StepKey) =>
        (
          await s.conn.get<{ next_check_at: number | null }>(
            'SELECT next_check_at FROM steps WHERE case_id = ? AND key = ?',
            [stored.id, key],
          )
        )?.next_check_at;
      expect(await nextCheck('own_up')).toBe(at('2026-01-14T14:00:00Z').getTime());
      expect(await nextCheck('client_answer')).toBeNull();
      await s.cases.update(TEAM, stored.id, NOW, (c) =>
        completeStep(c, 'own_up', OWNER, 1, PB, NOW),
      );
      expect(await nextCheck('own_up')).toBeNull();
      await s.cases.update(TEAM, stored.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
      const left = await s.conn.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM steps WHERE case_id = ? AND next_check_at IS NOT NULL',
        [stored.id],
      );
      expect(left?.n).toBe(0);
    });
  });

  describe('ReminderRepo', () => {
    it('enqueue is idempotent per (case, step, kind, occurrence)', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], later(5));
      expect(await s.reminders.forCase(TEAM, c.id)).toHaveLength(1);
      await s.reminders.enqueue(
        c,
        'own_up',
        [
          { kind: 'nudge', occurrence: 2 },
          { kind: 'escalation', occurrence: 1 },
        ],
        NOW,
      );
      await s.reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
      const rows = await s.reminders.forCase(TEAM, c.id);
      expect(rows.map((r) => [r.stepKey, r.kind, r.occurrence])).toEqual([
        ['own_up', 'nudge', 1],
        ['own_up', 'nudge', 2],
        ['own_up', 'escalation', 1],
        ['outline', 'nudge', 1],
      ]);
      expect(rows[0]?.notBefore).toEqual(NOW); // the first enqueue won
      // a reminder already sent is not planned again either
      const [claimed] = await s.reminders.claimReady(NOW, 1);
      await s.reminders.markSent(claimed?.id ?? -1, '1768384800.000200', NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], later(60));
      expect(await s.reminders.forCase(TEAM, c.id)).toHaveLength(4);
      expect(await s.reminders.get(claimed?.id ?? -1)).toMatchObject({
        status: 'sent',
        messageTs: '1768384800.000200',
      });
    });

    it('claimReady claims each ready row once', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(
        c,
        'own_up',
        [1, 2, 3].map((n) => ({ kind: 'nudge' as const, occurrence: n })),
        NOW,
      );
      expect(await s.reminders.claimReady(later(-1), 10)).toEqual([]); // not before its time
      const first = await s.reminders.claimReady(NOW, 2);
      const second = await s.reminders.claimReady(NOW, 2);
      const third = await s.reminders.claimReady(NOW, 2);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect(third).toEqual([]);
      const ids = [...first, ...second].map((r) => r.id);
      expect(new Set(ids).size).toBe(3);
      for (const r of [...first, ...second]) {
        expect(r.status).toBe('claimed');
        expect(r.attempts).toBe(1);
        expect(r.claimedAt).toEqual(NOW);
        expect((await s.reminders.get(r.id))?.status).toBe('claimed');
      }
      expect((await s.reminders.inFlight()).map((r) => r.id)).toEqual(ids);
    });

    it('a claim brings its case’s channel; a post recorded with its pace moves the channel on', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      const [r] = await s.reminders.claimReady(NOW, 1);
      expect(r?.channelId).toBe(c.channelId);
      const until = NOW.getTime() + 1000;
      await s.reminders.markSent(r?.id ?? -1, '1768384800.000300', NOW, {
        teamId: TEAM,
        channelId: c.channelId,
        until,
      });
      expect(await s.reminders.get(r?.id ?? -1)).toMatchObject({ status: 'sent' });
      // The next slot in the channel is the one the post left.
      expect(await s.reminders.reservePace(TEAM, c.channelId, NOW.getTime(), 1000, 60_000)).toBe(
        until,
      );
      // Never moved back: an earlier time recorded with a later post changes nothing.
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 2 }], NOW);
      const [again] = await s.reminders.claimReady(NOW, 1);
      await s.reminders.markSent(again?.id ?? -1, '1768384800.000400', NOW, {
        teamId: TEAM,
        channelId: c.channelId,
        until: NOW.getTime(),
      });
      expect(await s.reminders.get(again?.id ?? -1)).toMatchObject({ status: 'sent' });
      expect(await s.reminders.reservePace(TEAM, c.channelId, NOW.getTime(), 1000, 60_000)).toBe(
        until + 1000,
      );
    });

    it('two stores on one database (two processes) never claim the same row', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(
        c,
        'own_up',
        [1, 2, 3, 4, 5].map((n) => ({ kind: 'nudge' as const, occurrence: n })),
        NOW,
      );
      const other = (await s.another()).repos.reminders;
      const ids = [
        ...(await s.reminders.claimReady(NOW, 2)),
        ...(await other.claimReady(NOW, 2)),
        ...(await s.reminders.claimReady(NOW, 2)),
        ...(await other.claimReady(NOW, 2)),
      ].map((r) => r.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
    });

    it('a released reminder waits until its new time, then is claimed again', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      const [r] = await s.reminders.claimReady(NOW, 10);
      await s.reminders.release(r?.id ?? -1, later(10), 'ratelimited');
      expect(await s.reminders.claimReady(later(9), 10)).toEqual([]);
      const [again] = await s.reminders.claimReady(later(10), 10);
      expect(again?.id).toBe(r?.id);
      expect(again?.attempts).toBe(2);
    });

    it('CaseRepo.save cancels pending reminders of a step that is done (others stay)', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'escalation', occurrence: 1 }], NOW);
      await s.reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
      await s.cases.update(TEAM, c.id, later(1), (x) =>
        completeStep(x, 'own_up', OWNER, 1, PB, later(1)),
      );
      const status = Object.fromEntries(
        (await s.reminders.forCase(TEAM, c.id)).map((r) => [`${r.stepKey}/${r.kind}`, r.status]),
      );
      expect(status).toEqual({
        'own_up/nudge': 'cancelled',
        'own_up/escalation': 'cancelled',
        'outline/nudge': 'pending',
      });
      expect((await s.reminders.claimReady(later(2), 10)).map((r) => r.stepKey)).toEqual([
        'outline',
      ]);
    });

    it('a claimed reminder is left to the sender (it cancels it itself when it sees the step done)', async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      const [r] = await s.reminders.claimReady(NOW, 1);
      await s.cases.update(TEAM, c.id, later(1), (x) =>
        completeStep(x, 'own_up', OWNER, 1, PB, later(1)),
      );
      expect((await s.reminders.get(r?.id ?? -1))?.status).toBe('claimed');
      await s.reminders.cancelClaimed(r?.id ?? -1, 'step_done');
      expect(await s.reminders.get(r?.id ?? -1)).toMatchObject({
        status: 'cancelled',
        error: 'step_done',
      });
    });

    /** A case with a nudge pending for its own-up and its outline. */
    const twoNudges = async () => {
      const c = await s.cases.insert(opened(), NOW);
      await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      await s.reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
      return c;
    };

    it('snoozing a step cancels its pending reminders', async () => {
      const c = await twoNudges();
      await s.cases.update(TEAM, c.id, NOW, (x) =>
        snoozeStep(x, 'own_up', later(60), OWNER, 1, NOW),
      );
      expect((await s.reminders.forCase(TEAM, c.id)).map((r) => r.status)).toEqual([
        'cancelled',
        'pending',
      ]);
    });

    it('closing a case cancels its pending reminders', async () => {
      const c = await twoNudges();
      await s.cases.update(TEAM, c.id, NOW, (x) => closeCase(x, 'won_back', null, OWNER, NOW));
      expect((await s.reminders.forCase(TEAM, c.id)).map((r) => r.status)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    });

    it('casesNeedingAttention returns only the cases with a step due, across teams', async () => {
      const due = await s.cases.insert(opened(), NOW); // own_up next check 14:00Z
      const other = await s.cases.insert(opened({ teamId: OTHER }), NOW);
      const closed = await s.cases.insert(opened(), NOW);
      await s.cases.update(TEAM, closed.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
      expect(await s.reminders.casesNeedingAttention(at('2026-01-14T13:59:00Z'), 100)).toEqual([]);
      const found = await s.reminders.casesNeedingAttention(at('2026-01-14T14:00:00Z'), 100);
      expect(found).toHaveLength(2);
      expect(found).toEqual(
        expect.arrayContaining([
          { teamId: TEAM, caseId: due.id },
          { teamId: OTHER, caseId: other.id },
        ]),
      );
      expect(await s.reminders.casesNeedingAttention(at('2026-01-14T14:00:00Z'), 1)).toHaveLength(
        1,
      );
    });

    if (engine === 'sqlite')
      it('casesNeedingAttention reads the partial index steps_needing_attention', async () => {
        const recorded = recording(s.conn);
        await new ReminderRepo(recorded.conn).casesNeedingAttention(NOW, 10); // the statement works
        const call = recorded.seen.find(
          ({ sql }) => /FROM steps/i.test(sql) && /next_check_at/.test(sql),
        );
        expect(call, 'the attention query').toBeDefined();
        const { sql, params } = call as Seen;
        const db = s.store.sqlite as Database.Database;
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
          detail: string;
        }[];
        const details = plan.map((p) => p.detail).join('\n');
        // a SEARCH on the index (cost follows the due rows), not a SCAN of the table or the index
        expect(details).toMatch(
          /SEARCH steps USING (?:COVERING )?INDEX steps_needing_attention \(next_check_at/,
        );
        expect(details).not.toMatch(/SCAN steps/);
      });

    it('casesDuePage reads every due step once, page by page, whatever ties the pages fall on', async () => {
      // 7 cases opened at the same instant: their steps share next_check_at values, so pages of 2
      // end in the middle of a tie; the step's key (case, key) breaks it.
      const open: RecoveryCase[] = [];
      for (let i = 0; i < 7; i++)
        open.push(await s.cases.insert(opened({ ownerId: `U0OWNER0${i % 3}` }), NOW));
      for (const c of open) await s.cases.setMessageTs(TEAM, c.id, `1700000000.00000${c.id}`);
      const unposted = await s.cases.insert(opened(), NOW); // never shown in Slack: no digest
      const closed = await s.cases.insert(opened(), NOW);
      await s.cases.setMessageTs(TEAM, closed.id, '1700000001.000001');
      await s.cases.update(TEAM, closed.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
      const before = at('2026-01-16T00:00:00Z');
      const all =
        (
          await s.conn.get<{ n: number }>(
            'SELECT COUNT(*) AS n FROM steps WHERE next_check_at IS NOT NULL AND next_check_at <= ?',
            [before.getTime()],
          )
        )?.n ?? 0;
      expect(all).toBeGreaterThan(7); // more due steps than cases, in ties

      const seen: number[] = [];
      let pages = 0;
      for (let page = await s.reminders.casesDuePage(before, null, 2); ; ) {
        pages++;
        expect(page.cases.length).toBeLessThanOrEqual(2);
        seen.push(...page.cases.map((c) => c.caseId));
        if (!page.next) break;
        page = await s.reminders.casesDuePage(before, page.next, 2);
      }
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(all / 2));
      // Every due step of the posted open cases, once each; no other case.
      const expected: number[] = [];
      for (const c of open) {
        const n =
          (
            await s.conn.get<{ n: number }>(
              'SELECT COUNT(*) AS n FROM steps WHERE case_id = ? AND next_check_at IS NOT NULL AND next_check_at <= ?',
              [c.id, before.getTime()],
            )
          )?.n ?? 0;
        expected.push(...Array(n).fill(c.id));
      }
      expect(seen.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      expect(seen).not.toContain(unposted.id);
      expect(seen).not.toContain(closed.id);
      // The owners come with the cases.
      const first = (await s.reminders.casesDuePage(before, null, 100)).cases.find(
        (c) => c.caseId === open[1]?.id,
      );
      expect(first).toEqual({ teamId: TEAM, ownerId: 'U0OWNER01', caseId: open[1]?.id });
    });
  });

  describe('WorkspaceRepo', () => {
    it('pausing a team hides its reminders from claimReady until resumed', async () => {
      const ours = await s.cases.insert(opened(), NOW);
      const theirs = await s.cases.insert(opened({ teamId: OTHER }), NOW);
      await s.reminders.enqueue(ours, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      await s.reminders.enqueue(theirs, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
      expect(await s.workspaces.pausedReason(TEAM)).toBeNull();
      await s.workspaces.pause(TEAM, 'token_revoked', NOW);
      expect(await s.workspaces.pausedReason(TEAM)).toBe('token_revoked');
      expect((await s.reminders.claimReady(NOW, 10)).map((r) => r.teamId)).toEqual([OTHER]);
      expect(await s.reminders.claimReady(NOW, 10)).toEqual([]);
      await s.workspaces.pause(TEAM, 'account_inactive', later(1)); // pausing again just updates
      expect(await s.workspaces.pausedReason(TEAM)).toBe('account_inactive');
      await s.workspaces.resume(TEAM);
      expect(await s.workspaces.pausedReason(TEAM)).toBeNull();
      expect((await s.reminders.claimReady(NOW, 10)).map((r) => r.teamId)).toEqual([TEAM]);
    });

    it('resuming a workspace that is not paused writes nothing (it runs after every post)', async () => {
      const counted = recording(s.conn);
      const workspaces = new WorkspaceRepo(counted.conn);
      await workspaces.resume(TEAM);
      await workspaces.pause(OTHER, 'token_revoked', NOW);
      await workspaces.resume(OTHER);
      await workspaces.resume(OTHER);
      // The pause and its one resume, nothing for the rest.
      expect(counted.changes()).toBe(2);
    });
  });
});
