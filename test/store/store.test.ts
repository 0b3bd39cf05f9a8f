import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLAYBOOK, type StepKey } from '../../src/domain/playbook.js';
import {
  type Changed,
  closeCase,
  completeStep,
  type OpenCaseInput,
  openCase,
  type RecoveryCase,
  type StepStatus,
  snoozeStep,
} from '../../src/domain/recoveryCase.js';
import { CaseRepo } from '../../src/store/caseRepo.js';
import { type Db, lightly, migrate, openDatabase, SCHEMA_VERSION } from '../../src/store/db.js';
import { ReminderRepo } from '../../src/store/reminderRepo.js';
import { WorkspaceRepo } from '../../src/store/workspaceRepo.js';
import { domainError, openInput } from '../helpers/builders.js';

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

let dir: string;
let path: string;
let db: Db;
let cases: CaseRepo;
let reminders: ReminderRepo;
let workspaces: WorkspaceRepo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amends-store-'));
  path = join(dir, 'amends.db');
  db = openDatabase(path);
  cases = new CaseRepo(db, PB);
  reminders = new ReminderRepo(db);
  workspaces = new WorkspaceRepo(db);
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (table: string): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
/** Everything the database holds, to compare before and after a refused change. */
const snapshot = () => ({
  cases: db.prepare('SELECT * FROM cases ORDER BY id').all(),
  steps: db.prepare('SELECT * FROM steps ORDER BY case_id, position').all(),
  events: db.prepare('SELECT * FROM events ORDER BY id').all(),
  reminders: db.prepare('SELECT * FROM reminders ORDER BY id').all(),
  handled: db.prepare('SELECT * FROM handled_requests ORDER BY key').all(),
});

describe('openDatabase', () => {
  it('sets WAL, foreign keys, a busy timeout and synchronous on every open', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
    const again = openDatabase(path);
    try {
      expect(again.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(again.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
      expect(again.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      again.close();
    }
  });

  it('writes through a WAL file next to the database', () => {
    cases.insert(opened(), NOW);
    expect(existsSync(`${path}-wal`)).toBe(true);
  });

  it('creates the folder the database lives in', () => {
    const nested = openDatabase(join(dir, 'a', 'b', 'amends.db'));
    nested.close();
    expect(existsSync(join(dir, 'a', 'b', 'amends.db'))).toBe(true);
  });

  it('enforces foreign keys', () => {
    expect(() =>
      db
        .prepare(
          `INSERT INTO events (team_id, case_id, at, actor, type) VALUES ('T', 9999, 0, 'U', 'x')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('migrates to SCHEMA_VERSION, and reopening migrates nothing and keeps the data', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    const stored = cases.insert(opened(), NOW);
    const schema = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    migrate(db); // idempotent on an open database too
    db.close();
    for (let i = 0; i < 2; i++) {
      const again = openDatabase(path);
      try {
        expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        expect(
          again.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
        ).toEqual(schema);
        expect(new CaseRepo(again, PB).get(TEAM, stored.id)).toEqual(stored);
      } finally {
        again.close();
      }
    }
  });

  it('refuses a database from a newer schema version with a clear message', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(
      `database schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
    );
    // and changed nothing
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    } finally {
      raw.close();
    }
  });
});

describe('CaseRepo: insert and get', () => {
  it('round-trips every field of a case and its steps', () => {
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
      steps: base.steps.map((s, i) => ({
        ...s,
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
    const stored = cases.insert({ case: full, event: { type: 'case_opened', actor: OWNER } }, NOW);
    expect(stored.id).toBeGreaterThan(0);
    expect(cases.get(TEAM, stored.id)).toEqual({ ...full, id: stored.id });
  });

  it('round-trips the nulls of a fresh case', () => {
    const c = opened().case;
    const stored = cases.insert(opened(), NOW);
    expect(cases.get(TEAM, stored.id)).toEqual({ ...c, id: stored.id });
    expect(stored.messageTs).toBeNull();
    expect(stored.outline).toBeNull();
  });

  it('keeps Unicode text exactly as typed, up to 4,000 characters', () => {
    const piece =
      'Ψαροταβέρνα «Ο Νίκος» & Cal Pep · l’entrega <!channel> <@U123> 🧑‍🍳🍕 مرحبا Cafe\u0301 ';
    let summary = '';
    while (summary.length + piece.length <= 4000) summary += piece;
    summary += 'x'.repeat(4000 - summary.length);
    expect(summary.length).toBe(4000);
    const client = '🍕 Pizzeria «Da Mário» & Figli <!channel> — Ἀθῆναι';
    const stored = cases.insert(opened({ client, summary }), NOW);
    const back = cases.get(TEAM, stored.id);
    expect(back?.client).toBe(client);
    expect(back?.summary).toBe(summary);
    expect(back?.summary.length).toBe(4000);
  });

  it('records the opening event', () => {
    const stored = cases.insert(opened(), NOW);
    expect(cases.events(TEAM, stored.id)).toEqual([
      {
        id: expect.any(Number),
        at: NOW,
        actor: OWNER,
        type: 'case_opened',
        data: { severity: 'major', owner: OWNER },
      },
    ]);
  });

  it('the same requestKey twice → duplicate_request, and the second stores nothing', () => {
    const first = cases.insert(opened(), NOW, 'trigger-123');
    const before = snapshot();
    const e = domainError(() => cases.insert(opened({ client: 'Other' }), later(1), 'trigger-123'));
    expect(e.code).toBe('duplicate_request');
    expect(snapshot()).toEqual(before);
    expect(count('cases')).toBe(1);
    expect(cases.get(TEAM, first.id)?.client).toBe('Acme');
  });

  it('request keys are per team, and inserts without a key never clash', () => {
    cases.insert(opened(), NOW, 'trigger-123');
    cases.insert(opened({ teamId: OTHER }), NOW, 'trigger-123');
    cases.insert(opened(), NOW);
    cases.insert(opened(), NOW);
    expect(count('cases')).toBe(4);
  });
});

describe('CaseRepo: every read and write is scoped by team', () => {
  it('another team cannot read the case', () => {
    const stored = cases.insert(opened(), NOW);
    expect(cases.get(OTHER, stored.id)).toBeNull();
    expect(domainError(() => cases.require(OTHER, stored.id)).code).toBe('case_not_found');
    expect(cases.events(OTHER, stored.id)).toEqual([]);
    expect(cases.listOpen(OTHER, 'C0CHAN001', OWNER)).toEqual([]);
    expect(cases.listOwned(OTHER, OWNER)).toEqual([]);
    expect(cases.listOpen(TEAM, 'C0CHAN001', 'U0NOBODY1').map((c) => c.id)).toEqual([stored.id]);
  });

  it('another team cannot change the case: case_not_found, nothing written', () => {
    const stored = cases.insert(opened(), NOW);
    const before = snapshot();
    const decide = vi.fn((c: RecoveryCase) => completeStep(c, 'own_up', OWNER, 1, PB, NOW));
    expect(domainError(() => cases.update(OTHER, stored.id, later(5), decide)).code).toBe(
      'case_not_found',
    );
    expect(decide).not.toHaveBeenCalled();
    cases.setMessageTs(OTHER, stored.id, '1.2');
    cases.setDeliveryProblem(OTHER, stored.id, 'hacked');
    expect(snapshot()).toEqual(before);
  });

  it('an unknown id → case_not_found', () => {
    expect(
      domainError(() =>
        cases.update(TEAM, 424242, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW)),
      ).code,
    ).toBe('case_not_found');
  });
});

describe('CaseRepo: update', () => {
  it('stores the decided change and its event', () => {
    const stored = cases.insert(opened(), NOW);
    const r = cases.update(TEAM, stored.id, later(30), (c) =>
      completeStep(c, 'own_up', OWNER, 1, PB, later(30)),
    );
    const back = cases.get(TEAM, stored.id);
    expect(back).toEqual(r.case);
    expect(back?.steps[0]?.status).toBe('done');
    expect(back?.version).toBe(2);
  });

  it('is atomic: a decide() that throws leaves the database unchanged and no event', () => {
    const stored = cases.insert(opened(), NOW);
    const before = snapshot();
    const e = domainError(() =>
      cases.update(TEAM, stored.id, later(1), (c) => completeStep(c, 'own_up', OWNER, 99, PB, NOW)),
    );
    expect(e.code).toBe('stale_action');
    expect(snapshot()).toEqual(before);
  });

  it('is atomic: a write failing half-way rolls back the case row, earlier steps and cancellations', () => {
    const stored = cases.insert(opened(), NOW);
    reminders.enqueue(stored, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    const before = snapshot();
    expect(() =>
      cases.update(TEAM, stored.id, later(1), (c) => ({
        case: {
          ...c,
          client: c.client,
          status: 'won_back',
          version: c.version + 1,
          steps: c.steps.map((s, i) =>
            i === 0
              ? { ...s, status: 'done' as const } // cancels own_up's pending nudge…
              : i === c.steps.length - 1
                ? { ...s, status: 'bogus' as StepStatus } // …then the last write fails its CHECK
                : { ...s, note: 'changed' },
          ),
        },
        event: { type: 'test', actor: OWNER },
      })),
    ).toThrow(/CHECK constraint/);
    expect(snapshot()).toEqual(before);
    expect(reminders.forCase(TEAM, stored.id)[0]?.status).toBe('pending');
  });

  it('appends one event per change: the audit trail', () => {
    const stored = cases.insert(opened(), NOW);
    cases.update(TEAM, stored.id, later(10), (c) =>
      completeStep(c, 'own_up', OWNER, 1, PB, later(10), 'Called Anna at 11:10'),
    );
    cases.update(TEAM, stored.id, later(20), (c) =>
      snoozeStep(c, 'outline', at('2026-01-15T08:00:00Z'), 'U0MATE001', 1, later(20)),
    );
    cases.update(TEAM, stored.id, later(30), (c) =>
      closeCase(c, 'lost', 'Went elsewhere', OWNER, later(30)),
    );
    const events = cases.events(TEAM, stored.id);
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

  it('keeps next_check_at (what the reminder tick reads) in step with the case', () => {
    const stored = cases.insert(opened(), NOW);
    const nextCheck = (key: StepKey) =>
      (
        db
          .prepare('SELECT next_check_at FROM steps WHERE case_id = ? AND key = ?')
          .get(stored.id, key) as { next_check_at: number | null }
      ).next_check_at;
    expect(nextCheck('own_up')).toBe(at('2026-01-14T14:00:00Z').getTime());
    expect(nextCheck('client_answer')).toBeNull();
    cases.update(TEAM, stored.id, NOW, (c) => completeStep(c, 'own_up', OWNER, 1, PB, NOW));
    expect(nextCheck('own_up')).toBeNull();
    cases.update(TEAM, stored.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
    const left = db
      .prepare('SELECT COUNT(*) AS n FROM steps WHERE case_id = ? AND next_check_at IS NOT NULL')
      .get(stored.id) as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('ReminderRepo', () => {
  it('enqueue is idempotent per (case, step, kind, occurrence)', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], later(5));
    expect(reminders.forCase(TEAM, c.id)).toHaveLength(1);
    reminders.enqueue(
      c,
      'own_up',
      [
        { kind: 'nudge', occurrence: 2 },
        { kind: 'escalation', occurrence: 1 },
      ],
      NOW,
    );
    reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
    const rows = reminders.forCase(TEAM, c.id);
    expect(rows.map((r) => [r.stepKey, r.kind, r.occurrence])).toEqual([
      ['own_up', 'nudge', 1],
      ['own_up', 'nudge', 2],
      ['own_up', 'escalation', 1],
      ['outline', 'nudge', 1],
    ]);
    expect(rows[0]?.notBefore).toEqual(NOW); // the first enqueue won
    // a reminder already sent is not planned again either
    const [claimed] = reminders.claimReady(NOW, 1);
    reminders.markSent(claimed?.id ?? -1, '1768384800.000200', NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], later(60));
    expect(reminders.forCase(TEAM, c.id)).toHaveLength(4);
    expect(reminders.get(claimed?.id ?? -1)).toMatchObject({
      status: 'sent',
      messageTs: '1768384800.000200',
    });
  });

  it('claimReady claims each ready row once', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(
      c,
      'own_up',
      [1, 2, 3].map((n) => ({ kind: 'nudge' as const, occurrence: n })),
      NOW,
    );
    expect(reminders.claimReady(later(-1), 10)).toEqual([]); // not before its time
    const first = reminders.claimReady(NOW, 2);
    const second = reminders.claimReady(NOW, 2);
    const third = reminders.claimReady(NOW, 2);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(third).toEqual([]);
    const ids = [...first, ...second].map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    for (const r of [...first, ...second]) {
      expect(r.status).toBe('claimed');
      expect(r.attempts).toBe(1);
      expect(r.claimedAt).toEqual(NOW);
      expect(reminders.get(r.id)?.status).toBe('claimed');
    }
    expect(reminders.inFlight().map((r) => r.id)).toEqual(ids);
  });

  it('two connections to one file (two processes) never claim the same row', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(
      c,
      'own_up',
      [1, 2, 3, 4, 5].map((n) => ({ kind: 'nudge' as const, occurrence: n })),
      NOW,
    );
    const db2 = openDatabase(path);
    try {
      const other = new ReminderRepo(db2);
      const ids = [
        ...reminders.claimReady(NOW, 2),
        ...other.claimReady(NOW, 2),
        ...reminders.claimReady(NOW, 2),
        ...other.claimReady(NOW, 2),
      ].map((r) => r.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
    } finally {
      db2.close();
    }
  });

  it('a released reminder waits until its new time, then is claimed again', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    const [r] = reminders.claimReady(NOW, 10);
    reminders.release(r?.id ?? -1, later(10), 'ratelimited');
    expect(reminders.claimReady(later(9), 10)).toEqual([]);
    const [again] = reminders.claimReady(later(10), 10);
    expect(again?.id).toBe(r?.id);
    expect(again?.attempts).toBe(2);
  });

  it('CaseRepo.save cancels pending reminders of a step that is done (others stay)', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'escalation', occurrence: 1 }], NOW);
    reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
    cases.update(TEAM, c.id, later(1), (x) => completeStep(x, 'own_up', OWNER, 1, PB, later(1)));
    const status = Object.fromEntries(
      reminders.forCase(TEAM, c.id).map((r) => [`${r.stepKey}/${r.kind}`, r.status]),
    );
    expect(status).toEqual({
      'own_up/nudge': 'cancelled',
      'own_up/escalation': 'cancelled',
      'outline/nudge': 'pending',
    });
    expect(reminders.claimReady(later(2), 10).map((r) => r.stepKey)).toEqual(['outline']);
  });

  it('a claimed reminder is left to the sender (it cancels it itself when it sees the step done)', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    const [r] = reminders.claimReady(NOW, 1);
    cases.update(TEAM, c.id, later(1), (x) => completeStep(x, 'own_up', OWNER, 1, PB, later(1)));
    expect(reminders.get(r?.id ?? -1)?.status).toBe('claimed');
    reminders.cancelClaimed(r?.id ?? -1, 'step_done');
    expect(reminders.get(r?.id ?? -1)).toMatchObject({ status: 'cancelled', error: 'step_done' });
  });

  it('snoozing a step and closing a case cancel their pending reminders', () => {
    const c = cases.insert(opened(), NOW);
    reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    reminders.enqueue(c, 'outline', [{ kind: 'nudge', occurrence: 1 }], NOW);
    cases.update(TEAM, c.id, NOW, (x) => snoozeStep(x, 'own_up', later(60), OWNER, 1, NOW));
    expect(reminders.forCase(TEAM, c.id).map((r) => r.status)).toEqual(['cancelled', 'pending']);
    cases.update(TEAM, c.id, NOW, (x) => closeCase(x, 'won_back', null, OWNER, NOW));
    expect(reminders.forCase(TEAM, c.id).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('casesNeedingAttention returns cases with a step due, across teams, and nothing else', () => {
    const due = cases.insert(opened(), NOW); // own_up next check 14:00Z
    const other = cases.insert(opened({ teamId: OTHER }), NOW);
    const closed = cases.insert(opened(), NOW);
    cases.update(TEAM, closed.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
    expect(reminders.casesNeedingAttention(at('2026-01-14T13:59:00Z'), 100)).toEqual([]);
    const found = reminders.casesNeedingAttention(at('2026-01-14T14:00:00Z'), 100);
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        { teamId: TEAM, caseId: due.id },
        { teamId: OTHER, caseId: other.id },
      ]),
    );
    expect(reminders.casesNeedingAttention(at('2026-01-14T14:00:00Z'), 1)).toHaveLength(1);
  });

  it('casesNeedingAttention reads the partial index steps_needing_attention', () => {
    const sqls: string[] = [];
    const spy = vi.spyOn(db, 'prepare');
    spy.mockImplementation(function (this: Db, source: string) {
      sqls.push(source);
      return Database.prototype.prepare.call(this, source);
    } as typeof db.prepare);
    const repo = new ReminderRepo(db);
    spy.mockRestore();
    repo.casesNeedingAttention(NOW, 10); // the repo's own statement works
    const attention = sqls.find((s) => /FROM steps/i.test(s) && /next_check_at/.test(s));
    expect(attention, 'the attention query').toBeDefined();
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${attention}`).all(NOW.getTime(), 10) as {
      detail: string;
    }[];
    const details = plan.map((p) => p.detail).join('\n');
    // a SEARCH on the index (cost follows the due rows), not a SCAN of the table or the index
    expect(details).toMatch(
      /SEARCH steps USING (?:COVERING )?INDEX steps_needing_attention \(next_check_at/,
    );
    expect(details).not.toMatch(/SCAN steps/);
  });
  it('casesDuePage reads every due step once, page by page, whatever ties the pages fall on', () => {
    // 7 cases opened at the same instant: their steps share next_check_at values, so pages of 2
    // end in the middle of a tie; the rowid breaks it.
    const open = Array.from({ length: 7 }, (_, i) =>
      cases.insert(opened({ ownerId: `U0OWNER0${i % 3}` }), NOW),
    );
    for (const c of open) cases.setMessageTs(TEAM, c.id, `1700000000.00000${c.id}`);
    const unposted = cases.insert(opened(), NOW); // never shown in Slack: no digest
    const closed = cases.insert(opened(), NOW);
    cases.setMessageTs(TEAM, closed.id, '1700000001.000001');
    cases.update(TEAM, closed.id, NOW, (c) => closeCase(c, 'closed', null, OWNER, NOW));
    const before = at('2026-01-16T00:00:00Z');
    const all = db
      .prepare(
        'SELECT COUNT(*) AS n FROM steps WHERE next_check_at IS NOT NULL AND next_check_at <= ?',
      )
      .get(before.getTime()) as { n: number };
    expect(all.n).toBeGreaterThan(7); // more due steps than cases, in ties

    const seen: number[] = [];
    let pages = 0;
    for (let page = reminders.casesDuePage(before, null, 2); ; ) {
      pages++;
      expect(page.cases.length).toBeLessThanOrEqual(2);
      seen.push(...page.cases.map((c) => c.caseId));
      if (!page.next) break;
      page = reminders.casesDuePage(before, page.next, 2);
    }
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.n / 2));
    // Every due step of the posted open cases, once each; no other case.
    const expected = open.flatMap((c) =>
      Array(
        (
          db
            .prepare(
              'SELECT COUNT(*) AS n FROM steps WHERE case_id = ? AND next_check_at IS NOT NULL AND next_check_at <= ?',
            )
            .get(c.id, before.getTime()) as { n: number }
        ).n,
      ).fill(c.id),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(seen).not.toContain(unposted.id);
    expect(seen).not.toContain(closed.id);
    // The owners come with the cases.
    const first = reminders
      .casesDuePage(before, null, 100)
      .cases.find((c) => c.caseId === open[1]?.id);
    expect(first).toEqual({ teamId: TEAM, ownerId: 'U0OWNER01', caseId: open[1]?.id });
  });
});

describe('WorkspaceRepo', () => {
  it('pausing a team hides its reminders from claimReady until resumed', () => {
    const ours = cases.insert(opened(), NOW);
    const theirs = cases.insert(opened({ teamId: OTHER }), NOW);
    reminders.enqueue(ours, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    reminders.enqueue(theirs, 'own_up', [{ kind: 'nudge', occurrence: 1 }], NOW);
    expect(workspaces.pausedReason(TEAM)).toBeNull();
    workspaces.pause(TEAM, 'token_revoked', NOW);
    expect(workspaces.pausedReason(TEAM)).toBe('token_revoked');
    expect(reminders.claimReady(NOW, 10).map((r) => r.teamId)).toEqual([OTHER]);
    expect(reminders.claimReady(NOW, 10)).toEqual([]);
    workspaces.pause(TEAM, 'account_inactive', later(1)); // pausing again just updates
    expect(workspaces.pausedReason(TEAM)).toBe('account_inactive');
    workspaces.resume(TEAM);
    expect(workspaces.pausedReason(TEAM)).toBeNull();
    expect(reminders.claimReady(NOW, 10).map((r) => r.teamId)).toEqual([TEAM]);
  });

  it('resuming a workspace that is not paused writes nothing (it runs after every post)', () => {
    const before = db.prepare('SELECT total_changes()').pluck().get();
    workspaces.resume(TEAM);
    workspaces.pause(OTHER, 'token_revoked', NOW);
    workspaces.resume(OTHER);
    workspaces.resume(OTHER);
    // The pause and its one resume, nothing for the rest.
    expect(db.prepare('SELECT total_changes()').pluck().get()).toBe(Number(before) + 2);
  });
});

describe('lightly', () => {
  it('writes with synchronous=NORMAL and puts FULL back, also when the write throws', () => {
    const mode = () => db.pragma('synchronous', { simple: true });
    expect(mode()).toBe(2);
    expect(lightly(db, () => mode())).toBe(1);
    expect(mode()).toBe(2);
    expect(() =>
      lightly(db, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(mode()).toBe(2);
    // Inside a transaction it is part of that transaction (the mode can't change there).
    db.transaction(() => expect(lightly(db, () => mode())).toBe(2))();
  });
});
