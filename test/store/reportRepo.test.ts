/**
 * The reports' reads (ReportRepo), on both engines: "[sqlite] …" and "[postgres] …".
 */
import type Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { CaseHistory } from '../../src/domain/outcomes.js';
import { learnAcrossCases, summarizeOutcomes } from '../../src/domain/outcomes.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  closeCase,
  completeStep,
  type OpenCaseInput,
  openCase,
  recordAnswer,
  recordMeeting,
  skipStep,
} from '../../src/domain/recoveryCase.js';
import {
  type CaseCursor,
  type CaseHistoryQuery,
  casesToCsv,
  type ExportCursor,
  type ExportRow,
  exportCasesCsv,
  exportCasesCsvPaged,
} from '../../src/services/export.js';
import { ReportService } from '../../src/services/reports.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import { openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { recording, type Seen, storePerTest } from './engine.js';

const PB = DEFAULT_PLAYBOOK;
const TEAM = 'T0TEAM001';
const OTHER = 'T0OTHER01';
const OWNER = 'U0OWNER01';
const at = (iso: string) => new Date(iso);

describeEngines('reports', (engine) => {
  const s = storePerTest(engine);

  async function open(o: Partial<OpenCaseInput>, now: Date): Promise<number> {
    return (await s.cases.insert(openCase(openInput({ teamId: TEAM, ...o }), PB, now), now)).id;
  }

  /**
   * A: channel C1, Greek client, owned up after 45 min, meeting booked for 49 h after opening,
   *    compensation skipped, won back.
   * B: channel C2, Catalan client, still open.
   * C: channel C1, opened over a year earlier, lost.
   * D: another team.
   */
  async function seed() {
    const openedA = at('2026-03-02T09:00:00Z');
    const a = await open({ channelId: 'C1', client: 'Ξενοδοχείο Ακρόπολις' }, openedA);
    const t = (minutes: number) => new Date(openedA.getTime() + minutes * 60_000);
    await s.cases.update(TEAM, a, t(45), (c) => completeStep(c, 'own_up', OWNER, null, PB, t(45)));
    await s.cases.update(TEAM, a, t(120), (c) =>
      recordMeeting(c, at('2026-03-04T10:00:00Z'), OWNER, PB, t(120)),
    );
    await s.cases.update(TEAM, a, t(130), (c) =>
      skipStep(
        c,
        { key: 'compensation', note: 'Sense compensació: «no cal»', actor: OWNER, version: null },
        PB,
        t(130),
      ),
    );
    await s.cases.update(TEAM, a, t(5000), (c) =>
      closeCase(c, 'won_back', null, 'U0BOSS001', t(5000)),
    );

    const b = await open(
      { channelId: 'C2', client: 'Ferreteria Puig i Fills' },
      at('2026-03-03T09:00:00Z'),
    );

    const openedC = at('2025-01-10T09:00:00Z');
    const c = await open({ channelId: 'C1', client: 'Acme' }, openedC);
    await s.cases.update(TEAM, c, at('2025-01-20T09:00:00Z'), (x) =>
      closeCase(x, 'lost', 'went elsewhere', OWNER, at('2025-01-20T09:00:00Z')),
    );

    const d = (
      await s.cases.insert(
        openCase(openInput({ teamId: OTHER, channelId: 'C1' }), PB, at('2026-03-02T09:30:00Z')),
        at('2026-03-02T09:30:00Z'),
      )
    ).id;
    return { a, b, c, d };
  }

  describe('ReportRepo.load', () => {
    it('gives nothing for a team without cases', async () => {
      expect(await s.reports.load({ teamId: TEAM })).toEqual([]);
      await seed();
      expect(await s.reports.load({ teamId: 'T0NOBODY1' })).toEqual([]);
    });

    it("loads only a team's own cases, oldest first", async () => {
      const { a, b, c } = await seed();
      const all = await s.reports.load({ teamId: TEAM });
      expect(all.map((x) => x.id)).toEqual([c, a, b]);
      expect(all.every((x) => x.teamId === TEAM)).toBe(true);
    });

    it('filters by channel', async () => {
      const { a, b } = await seed();
      const since = at('2026-01-01T00:00:00Z');
      expect(
        (await s.reports.load({ teamId: TEAM, channelId: 'C1', since })).map((x) => x.id),
      ).toEqual([a]);
      expect((await s.reports.load({ teamId: TEAM, channelId: 'C2' })).map((x) => x.id)).toEqual([
        b,
      ]);
    });

    it('filters by opening time in [since, until)', async () => {
      const { a, b } = await seed();
      const since = at('2026-01-01T00:00:00Z');
      expect((await s.reports.load({ teamId: TEAM, since })).map((x) => x.id)).toEqual([a, b]);
      // since is inclusive, until exclusive
      expect(
        (await s.reports.load({ teamId: TEAM, since: at('2026-03-02T09:00:00Z') })).map(
          (x) => x.id,
        ),
      ).toEqual([a, b]);
      expect(
        (await s.reports.load({ teamId: TEAM, since, until: at('2026-03-03T09:00:00Z') })).map(
          (x) => x.id,
        ),
      ).toEqual([a]);
    });

    it('maps a whole case: its row, steps in playbook order, events in log order', async () => {
      const { a } = await seed();
      const [x] = await s.reports.load({
        teamId: TEAM,
        channelId: 'C1',
        since: at('2026-01-01T00:00:00Z'),
      });
      expect(x).toMatchObject({
        id: a,
        teamId: TEAM,
        channelId: 'C1',
        client: 'Ξενοδοχείο Ακρόπολις',
        severity: 'major',
        ownerId: OWNER,
        status: 'won_back',
        createdAt: at('2026-03-02T09:00:00Z'),
        closedAt: at('2026-03-05T20:20:00Z'),
      });
      expect(x?.steps.map((st) => st.key)).toEqual(PB.steps.map((st) => st.key));
      expect(x?.steps.find((st) => st.key === 'own_up')).toMatchObject({
        status: 'done',
        doneAt: at('2026-03-02T09:45:00Z'),
      });
      expect(x?.steps.find((st) => st.key === 'compensation')?.status).toBe('skipped');
      expect(x?.events).toEqual([
        {
          at: at('2026-03-02T09:00:00Z'),
          type: 'case_opened',
          stepKey: null,
          actor: OWNER,
          data: { severity: 'major', owner: OWNER },
        },
        {
          at: at('2026-03-02T09:45:00Z'),
          type: 'step_done',
          stepKey: 'own_up',
          actor: OWNER,
          data: null,
        },
        {
          at: at('2026-03-02T11:00:00Z'),
          type: 'meeting_booked',
          stepKey: null,
          actor: OWNER,
          data: { at: '2026-03-04T10:00:00.000Z' },
        },
        {
          at: at('2026-03-02T11:10:00Z'),
          type: 'step_skipped',
          stepKey: 'compensation',
          actor: OWNER,
          data: { reason: 'Sense compensació: «no cal»' },
        },
        {
          at: at('2026-03-05T20:20:00Z'),
          type: 'case_closed',
          stepKey: null,
          actor: 'U0BOSS001',
          data: { outcome: 'won_back' },
        },
      ]);
    });

    it('keeps a row whose data is not JSON instead of failing', async () => {
      const { b } = await seed();
      await s.conn.run(
        `INSERT INTO events (team_id, case_id, at, actor, type, step_key, data)
       VALUES (?, ?, ?, 'U0X', 'step_done', NULL, 'not json')`,
        [TEAM, b, at('2026-03-03T10:00:00Z').getTime()],
      );
      const [x] = await s.reports.load({ teamId: TEAM, channelId: 'C2' });
      expect(x?.events.at(-1)?.data).toEqual({ raw: 'not json' });
    });

    it('reads with three statements per load, whatever the number of cases (no N+1)', async () => {
      await seed();
      const few = recording(s.conn);
      expect(await new ReportRepo(few.conn).load({ teamId: TEAM })).toHaveLength(3);
      for (let i = 0; i < 20; i++)
        await open({ channelId: 'C3' }, at(`2026-02-${String(i + 1).padStart(2, '0')}T09:00:00Z`));
      const many = recording(s.conn);
      const all = await new ReportRepo(many.conn).load({ teamId: TEAM });
      expect(all).toHaveLength(23);
      expect(all.every((x) => x.steps.length === PB.steps.length && x.events.length >= 1)).toBe(
        true,
      );
      // Three reads (on PostgreSQL after the SET TRANSACTION that gives them one snapshot).
      const reads = (seen: readonly Seen[]) => seen.filter((x) => x.kind !== 'run');
      expect(reads(few.seen)).toHaveLength(3);
      expect(reads(many.seen)).toHaveLength(3);
      expect(many.seen.map((x) => x.sql)).toEqual(few.seen.map((x) => x.sql));
    });

    if (engine === 'sqlite')
      it('prepares nothing per load once warm: SQLite statements are prepared once per text', async () => {
        await seed();
        await s.reports.load({ teamId: TEAM });
        for (let i = 0; i < 20; i++)
          await open(
            { channelId: 'C3' },
            at(`2026-02-${String(i + 1).padStart(2, '0')}T09:00:00Z`),
          );
        const prepare = vi.spyOn(s.store.sqlite as Database.Database, 'prepare');
        try {
          expect(await s.reports.load({ teamId: TEAM })).toHaveLength(23);
          expect(prepare).not.toHaveBeenCalled();
        } finally {
          prepare.mockRestore();
        }
      });

    const now = at('2026-03-31T12:00:00Z');
    /** The seeded cases of the year to `now`, as the reports load them. */
    const loadedYear = async () => {
      await seed();
      return s.reports.load({ teamId: TEAM, since: new Date(now.getTime() - 365 * 86_400_000) });
    };

    it('feeds the outcome figures', async () => {
      const loaded = await loadedYear();
      const o = summarizeOutcomes(loaded, { now });
      expect(o.counts).toEqual({ opened: 2, wonBack: 1, lost: 0, closed: 0, open: 1, refused: 0 });
      expect(o.timeToOwnUp).toEqual({ n: 1, medianMinutes: 45, p90Minutes: 45 });
      // 2026-03-02T09:00Z → 2026-03-04T10:00Z = 49 h
      expect(o.timeToMeeting).toEqual({ n: 1, medianMinutes: 49 * 60, p90Minutes: 49 * 60 });
      expect(o.compensation).toEqual({ n: 2, hits: 0, value: 0 });
      expect(o.winBackBy.neither).toEqual({ n: 1, hits: 1, value: 1 });
    });

    it('feeds the lessons across cases', async () => {
      const loaded = await loadedYear();
      const l = learnAcrossCases(loaded, { now });
      expect(l.changesNotDone).toEqual({ n: 1, hits: 1, value: 1, caseIds: [loaded[0]?.id] });
      expect(l.troubleSteps.find((t) => t.key === 'compensation')?.skipped).toBe(1);
    });

    it('feeds the export', async () => {
      const csv = casesToCsv(await loadedYear());
      const lines = csv.trimEnd().split('\r\n');
      expect(lines).toHaveLength(1 + 5 + 1); // header, case A's five events, case B's one
      expect(csv).toContain('Ξενοδοχείο Ακρόπολις');
      expect(csv).toContain('Ferreteria Puig i Fills');
    });
  });

  describe('the reports’ reads: decided cases by decision, open cases counted (decidedToo, openNow)', () => {
    const now = at('2026-03-31T12:00:00Z');
    const since = new Date(now.getTime() - 365 * 86_400_000);

    /**
     * seed(), plus: opened 400 days ago and lost yesterday; opened 400 days ago, still open and
     * refused 390 days ago; opened 10 days ago, refused 5 days ago.
     */
    async function seedOld() {
      const base = await seed();
      const lostLate = await open(
        { channelId: 'C1', client: 'Lost late' },
        at('2025-02-24T12:00:00Z'),
      );
      await s.cases.update(TEAM, lostLate, at('2026-03-30T12:00:00Z'), (x) =>
        closeCase(x, 'lost', 'too many mistakes', OWNER, at('2026-03-30T12:00:00Z')),
      );
      const stillOpen = await open(
        { channelId: 'C2', client: 'Still open' },
        at('2025-02-24T13:00:00Z'),
      );
      await s.cases.update(TEAM, stillOpen, at('2025-03-06T13:00:00Z'), (x) =>
        recordAnswer(x, 'refused', OWNER, PB, at('2025-03-06T13:00:00Z')),
      );
      const refusedLately = await open(
        { channelId: 'C1', client: 'Refused lately' },
        at('2026-03-21T12:00:00Z'),
      );
      await s.cases.update(TEAM, refusedLately, at('2026-03-26T12:00:00Z'), (x) =>
        recordAnswer(x, 'refused', OWNER, PB, at('2026-03-26T12:00:00Z')),
      );
      return { ...base, lostLate, stillOpen, refusedLately };
    }

    it('also loads the cases closed in the window whenever opened', async () => {
      const { a, b, lostLate, refusedLately } = await seedOld();
      // By opening only: the recent cases.
      expect((await s.reports.load({ teamId: TEAM, since })).map((x) => x.id)).toEqual([
        a,
        b,
        refusedLately,
      ]);
      // C (opened and lost over a year ago) stays out; D is another team's; the old open case is
      // counted, not loaded.
      const loaded = await s.reports.load({ teamId: TEAM, since, decidedToo: true });
      expect(loaded.map((x) => x.id)).toEqual([lostLate, a, b, refusedLately]);
      expect(
        (await s.reports.load({ teamId: TEAM, channelId: 'C1', since, decidedToo: true })).map(
          (x) => x.id,
        ),
      ).toEqual([lostLate, a, refusedLately]);
      // The one opened 400 days ago and lost yesterday counts as lost in the 90-day window.
      const o = summarizeOutcomes(loaded, { now });
      expect(o.counts).toMatchObject({ opened: 3, wonBack: 1, lost: 1, closed: 0 });
      expect(o.lostCases).toMatchObject([
        { id: lostLate, client: 'Lost late', reason: 'too many mistakes', ownerId: OWNER },
      ]);
    });

    it('lists the latest refusals', async () => {
      const { stillOpen, refusedLately } = await seedOld();
      const all = await s.reports.openNow(TEAM, null, 10);
      expect(all.refusedCases).toEqual([
        {
          id: refusedLately,
          client: 'Refused lately',
          channelId: 'C1',
          ownerId: OWNER,
          refusedAt: at('2026-03-26T12:00:00Z'),
        },
        {
          id: stillOpen,
          client: 'Still open',
          channelId: 'C2',
          ownerId: OWNER,
          refusedAt: at('2025-03-06T13:00:00Z'),
        },
      ]);
      expect((await s.reports.openNow(TEAM, null, 1)).refusedCases.map((x) => x.id)).toEqual([
        refusedLately,
      ]);
    });

    it('counts the cases open now however old', async () => {
      const { b, stillOpen } = await seedOld();
      expect(await s.reports.openNow(TEAM, null, 10)).toMatchObject({ open: 3, refused: 2 });
      expect(await s.reports.openNow(TEAM, 'C2', 10)).toMatchObject({ open: 2, refused: 1 });
      expect(await s.reports.openNow('T0NOBODY1', null, 10)).toEqual({
        open: 0,
        refused: 0,
        refusedCases: [],
      });
      // Accepted after the refusal: no longer refused; closed: no longer open.
      await s.cases.update(TEAM, stillOpen, at('2026-03-30T09:00:00Z'), (x) =>
        recordAnswer(x, 'accepted', OWNER, PB, at('2026-03-30T09:00:00Z')),
      );
      await s.cases.update(TEAM, b, at('2026-03-30T10:00:00Z'), (x) =>
        closeCase(x, 'closed', null, OWNER, at('2026-03-30T10:00:00Z')),
      );
      expect(await s.reports.openNow(TEAM, null, 10)).toMatchObject({ open: 2, refused: 1 });
    });

    it('through ReportService: App Home’s figures say "1 lost" right after the loss', async () => {
      const { lostLate, stillOpen, refusedLately } = await seedOld();
      const reports = new ReportService(s.reports, new ManualClock('2026-03-31T12:00:00Z'));
      const r = await reports.report(TEAM, null);
      expect(r.summary.counts).toEqual({
        opened: 3,
        wonBack: 1,
        lost: 1,
        closed: 0,
        open: 3,
        refused: 2,
      });
      expect(r.summary.lostCases.map((x) => x.id)).toEqual([lostLate]);
      expect(r.summary.refusedCases.map((x) => x.id)).toEqual([refusedLately, stillOpen]);
      expect((await reports.report(TEAM, 'C2')).summary.counts).toMatchObject({
        lost: 0,
        open: 2,
        refused: 1,
      });
    });

    if (engine === 'sqlite')
      it('every read by closing time goes through cases_by_closing', async () => {
        await seedOld();
        const recorded = recording(s.conn);
        const repo = new ReportRepo(recorded.conn);
        await repo.load({ teamId: TEAM, since, decidedToo: true });
        await repo.openNow(TEAM, null, 10);
        const plans = recorded.seen
          .filter((x) => x.kind !== 'run' && /closed_at/.test(x.sql))
          .map(({ sql, params }) =>
            (s.store.sqlite as Database.Database)
              .prepare(`EXPLAIN QUERY PLAN ${sql}`)
              .all(...params)
              .map((r) => (r as { detail: string }).detail)
              .join('\n'),
          );
        // The load's three reads, the count and the refusals.
        expect(plans).toHaveLength(5);
        for (const plan of plans) {
          expect(plan).toContain('cases_by_closing');
          expect(plan).not.toMatch(/SCAN cases(?! USING)/);
        }
      });
  });

  describe('ReportRepo for the case sheet: casePage, names', () => {
    /** Every page from the start, `limit` cases each. */
    async function casePagesOf(q: CaseHistoryQuery, limit: number) {
      const out: CaseHistory[] = [];
      let after: CaseCursor | null = null;
      let pages = 0;
      do {
        const page = await s.reports.casePage(q, after, limit);
        expect(page.cases.length).toBeLessThanOrEqual(limit);
        out.push(...page.cases);
        after = page.next;
        if (++pages > 1000) throw new Error('the pages never end');
      } while (after);
      return out;
    }

    it.each([1, 2, 1000])(
      'pages of %i case(s) give load()’s cases, whole, in order',
      async (limit) => {
        await seed();
        const same = at('2026-03-02T12:00:00Z');
        await open({ channelId: 'C1', client: 'Tie one' }, same);
        await open({ channelId: 'C2', client: 'Tie two' }, same);
        for (const q of [{ teamId: TEAM }, { teamId: TEAM, channelId: 'C1' }, { teamId: OTHER }]) {
          const loaded = await s.reports.load(q);
          expect(await casePagesOf(q, limit)).toEqual(loaded);
        }
        const [first] = await s.reports.load({ teamId: TEAM, channelId: 'C2' });
        expect(first?.summary).toBe(openInput().summary);
      },
    );

    it('stops where the export began: a case or event written after its first page is left out', async () => {
      const { b, c } = await seed();
      const first = await s.reports.casePage({ teamId: TEAM }, null, 1);
      expect(first.cases.map((x) => x.id)).toEqual([c]);
      await s.cases.update(TEAM, b, at('2026-03-10T09:00:00Z'), (x) =>
        completeStep(x, 'own_up', OWNER, null, PB, at('2026-03-10T09:00:00Z')),
      );
      await open({ channelId: 'C1', client: 'Opened meanwhile' }, at('2026-03-10T11:00:00Z'));
      const rest = await s.reports.casePage({ teamId: TEAM }, first.next, 10);
      expect(rest.next).toBeNull();
      expect(rest.cases.map((x) => x.client)).toEqual([
        'Ξενοδοχείο Ακρόπολις',
        'Ferreteria Puig i Fills',
      ]);
      // B's own-up came after: its events stop at the export's start (its steps are read as they are).
      expect(rest.cases[1]?.events.map((e) => e.type)).toEqual(['case_opened']);
    });

    it('names the team’s people from the profiles cache', async () => {
      const now = at('2026-03-02T09:00:00Z');
      await s.profiles.put(TEAM, 'U0MARIA01', { tz: null, locale: null, name: 'Maria Rossi' }, now);
      await s.profiles.put(TEAM, 'U0NONAME1', { tz: null, locale: null, name: null }, now);
      await s.profiles.put(OTHER, 'U0THEIRS1', { tz: null, locale: null, name: 'Not ours' }, now);
      expect([...(await s.reports.names(TEAM)).people]).toEqual([['U0MARIA01', 'Maria Rossi']]);
    });

    it('names channels from Slack’s last word', async () => {
      const sharing = s.store.repos.sharing;
      await sharing.put('C0CARE001', false, 1000, 'customer-care');
      // An event about the channel (no name) keeps the name; a later answer renames it.
      await sharing.put('C0CARE001', null, 2000);
      await sharing.put('C0SALES01', false, 1000, 'sales');
      await sharing.put('C0SALES01', false, 3000, 'sales-emea');
      await sharing.put('C0NONAME1', false, 1000);
      const names = await s.reports.names(TEAM);
      expect(new Map(names.channels)).toEqual(
        new Map([
          ['C0CARE001', 'customer-care'],
          ['C0SALES01', 'sales-emea'],
        ]),
      );
      // An older answer changes nothing, its name included.
      await sharing.put('C0SALES01', false, 2500, 'old-name');
      expect((await s.reports.names(TEAM)).channels.get('C0SALES01')).toBe('sales-emea');
    });
  });

  describe('ReportRepo.exportPage (the export, a page at a time)', () => {
    /** Every page from the start, `limit` rows each: the rows, and how many pages it took. */
    async function pagesOf(q: CaseHistoryQuery, limit: number) {
      const rows: ExportRow[] = [];
      let pages = 0;
      let after: ExportCursor | null = null;
      do {
        const page = await s.reports.exportPage(q, after, limit);
        expect(page.rows.length).toBeLessThanOrEqual(limit);
        rows.push(...page.rows);
        after = page.next;
        pages++;
        if (pages > 1000) throw new Error('the pages never end');
      } while (after);
      return { rows, pages };
    }

    /** What a row says, as load() gives it: case id, then the event (null for a case without one). */
    const flat = (rows: readonly ExportRow[]) =>
      rows.map((r) => [r.case.id, r.case.client, r.case.status, r.event]);
    const fromLoad = async (q: CaseHistoryQuery) =>
      (await s.reports.load(q)).flatMap((c): unknown[][] =>
        c.events.length === 0
          ? [[c.id, c.client, c.status, null]]
          : c.events.map((e) => [c.id, c.client, c.status, e]),
      );

    /** seed(), plus two cases opened at the same instant and one whose events are gone. */
    async function seedMore() {
      const base = await seed();
      const same = at('2026-03-02T12:00:00Z');
      const tie1 = await open({ channelId: 'C1', client: 'Tie one' }, same);
      const tie2 = await open({ channelId: 'C2', client: 'Tie two' }, same);
      await s.cases.update(TEAM, tie1, at('2026-03-02T12:30:00Z'), (c) =>
        completeStep(c, 'own_up', OWNER, null, PB, at('2026-03-02T12:30:00Z'), 'note, "quoted"\nx'),
      );
      const bare = await open({ channelId: 'C2', client: 'No events' }, at('2026-03-02T13:00:00Z'));
      await s.conn.run('DELETE FROM events WHERE case_id = ?', [bare]);
      return { ...base, tie1, tie2, bare };
    }

    it.each([1, 2, 3, 5, 1000])(
      'pages of %i row(s) give load()’s rows in order, none missed or twice',
      async (limit) => {
        await seedMore();
        for (const q of [
          { teamId: TEAM },
          { teamId: TEAM, channelId: 'C1' },
          { teamId: TEAM, since: at('2026-03-02T09:00:00Z'), until: at('2026-03-03T09:00:00Z') },
          { teamId: OTHER },
          { teamId: 'T0NOBODY1' },
        ]) {
          const expected = await fromLoad(q);
          const { rows, pages } = await pagesOf(q, limit);
          expect(flat(rows)).toEqual(expected);
          // One page more only when the last one came out exactly full.
          expect(pages).toBe(Math.max(1, Math.floor(expected.length / limit) + 1));
        }
      },
    );

    it('keeps a case without events as one row', async () => {
      const { bare } = await seedMore();
      const { rows } = await pagesOf({ teamId: TEAM }, 2);
      expect(rows.filter((r) => r.case.id === bare)).toEqual([
        { case: expect.objectContaining({ id: bare, client: 'No events' }), event: null },
      ]);
    });

    it('keeps a timeline cut by the page size whole across pages', async () => {
      const { a } = await seedMore();
      const { rows } = await pagesOf({ teamId: TEAM }, 2);
      expect(rows.filter((r) => r.case.id === a).map((r) => r.event?.type)).toEqual([
        'case_opened',
        'step_done',
        'meeting_booked',
        'step_skipped',
        'case_closed',
      ]);
    });

    it('leaves out what is written after the first page: the workspace as it was asked for', async () => {
      const { b, c } = await seed();
      const before = await fromLoad({ teamId: TEAM });
      const first = await s.reports.exportPage({ teamId: TEAM }, null, 1);
      expect(first.rows.map((r) => r.case.id)).toEqual([c]);
      // Between two pages: an event on the case being read, one on a case not read yet, a new case.
      await s.conn.run(
        `INSERT INTO events (team_id, case_id, at, actor, type) VALUES (?, ?, ?, 'U0X', 'note')`,
        [TEAM, c, at('2026-03-10T10:00:00Z').getTime()],
      );
      await s.cases.update(TEAM, b, at('2026-03-10T09:00:00Z'), (x) =>
        completeStep(x, 'own_up', OWNER, null, PB, at('2026-03-10T09:00:00Z')),
      );
      await open({ channelId: 'C1', client: 'Opened meanwhile' }, at('2026-03-10T11:00:00Z'));
      const rest: ExportRow[] = [];
      for (let after = first.next; after; ) {
        if (rest.length > 100) throw new Error('the pages never end');
        const page = await s.reports.exportPage({ teamId: TEAM }, after, 1);
        rest.push(...page.rows);
        after = page.next;
      }
      expect(flat([...first.rows, ...rest])).toEqual(before);
    });

    if (engine === 'sqlite')
      it('reads each page through the opening-time index, never sorting the team’s cases again', async () => {
        const recorded = recording(s.conn);
        await new ReportRepo(recorded.conn).exportPage({ teamId: TEAM }, null, 10);
        const page = recorded.seen.find(({ sql }) => /LIMIT/i.test(sql) && /events/i.test(sql));
        expect(page, 'the page query').toBeDefined();
        const { sql, params } = page as Seen;
        const plan = (s.store.sqlite as Database.Database)
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((r) => (r as { detail: string }).detail)
          .join('\n');
        expect(plan).toContain('USING INDEX cases_by_opening');
        expect(plan).not.toMatch(/TEMP B-TREE/);
      });

    it('written a page at a time, the CSV is the one written at once, byte for byte', async () => {
      await seedMore();
      for (const firstPage of [1, 3, 200]) {
        const paged = await exportCasesCsvPaged(s.reports, { teamId: TEAM }, { firstPage });
        expect(paged.equals(await exportCasesCsv(s.reports, { teamId: TEAM }))).toBe(true);
      }
    });
  });
});
