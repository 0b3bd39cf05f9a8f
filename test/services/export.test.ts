import { describe, expect, it } from 'vitest';
import type { CaseHistory } from '../../src/domain/outcomes.js';
import {
  BOM,
  type CaseHistoryQuery,
  type CaseHistorySource,
  CSV_COLUMNS,
  casesToCsv,
  exportCasesCsv,
  exportCasesCsvPaged,
  neutralizeCell,
} from '../../src/services/export.js';
import { csvRecords } from '../helpers/csv.js';

/** Parses an export (BOM removed) into objects keyed by column. */
const records = csvRecords;

const at = (iso: string) => new Date(iso);

function kase(o: Partial<CaseHistory> = {}): CaseHistory {
  return {
    id: 1,
    teamId: 'T0TEAM001',
    channelId: 'C0CHAN001',
    client: 'Acme',
    severity: 'major',
    ownerId: 'U0OWNER01',
    status: 'open',
    createdAt: at('2026-03-02T09:00:00Z'),
    closedAt: null,
    steps: [],
    events: [
      {
        at: at('2026-03-02T09:00:00Z'),
        type: 'case_opened',
        stepKey: null,
        actor: 'U0OWNER01',
        data: { severity: 'major', owner: 'U0OWNER01' },
      },
    ],
    ...o,
  };
}

describe('casesToCsv', () => {
  it('starts with a BOM and a header, even with no cases', () => {
    const csv = casesToCsv([]);
    expect(csv).toBe(`${BOM}${CSV_COLUMNS.join(',')}\r\n`);
    expect(records(csv)).toEqual([]);
  });

  it('writes one row per event with the case columns and ISO instants', () => {
    const c = kase({
      id: 7,
      status: 'won_back',
      closedAt: at('2026-03-05T16:30:00Z'),
      events: [
        ...kase().events,
        {
          at: at('2026-03-02T10:15:00Z'),
          type: 'step_done',
          stepKey: 'own_up',
          actor: 'U0OWNER01',
          data: null,
        },
        {
          at: at('2026-03-05T16:30:00Z'),
          type: 'case_closed',
          stepKey: null,
          actor: 'U0BOSS001',
          data: { outcome: 'won_back' },
        },
      ],
    });
    const rows = records(casesToCsv([c]));
    expect(rows).toHaveLength(3);
    const caseCols = {
      case_id: '7',
      client: 'Acme',
      channel: 'C0CHAN001',
      severity: 'major',
      owner: 'U0OWNER01',
      status: 'won_back',
      opened_at: '2026-03-02T09:00:00.000Z',
      closed_at: '2026-03-05T16:30:00.000Z',
    };
    expect(rows[0]).toEqual({
      ...caseCols,
      event_at: '2026-03-02T09:00:00.000Z',
      event_type: 'case_opened',
      step: '',
      actor: 'U0OWNER01',
      details: '{"severity":"major","owner":"U0OWNER01"}',
    });
    expect(rows[1]).toEqual({
      ...caseCols,
      event_at: '2026-03-02T10:15:00.000Z',
      event_type: 'step_done',
      step: 'own_up',
      actor: 'U0OWNER01',
      details: '',
    });
    expect(rows[2]).toMatchObject({
      event_type: 'case_closed',
      actor: 'U0BOSS001',
      details: '{"outcome":"won_back"}',
    });
  });

  it('keeps a case without events as one row with empty event columns', () => {
    const rows = records(casesToCsv([kase({ events: [] })]));
    expect(rows).toEqual([
      expect.objectContaining({
        case_id: '1',
        closed_at: '',
        event_at: '',
        event_type: '',
        step: '',
        actor: '',
        details: '',
      }),
    ]);
  });

  it('keeps the order of cases and of their events', () => {
    const a = kase({ id: 1 });
    const b = kase({ id: 2, client: 'Beta' });
    const rows = records(casesToCsv([a, b]));
    expect(rows.map((r) => [r.case_id, r.client])).toEqual([
      ['1', 'Acme'],
      ['2', 'Beta'],
    ]);
  });

  it('round-trips Greek and Catalan text, commas, quotes and line breaks', () => {
    const greek = 'Ξενοδοχείο «Ακρόπολις» ΑΕ';
    const catalan = 'Cal Pepet, col·laboració i "l\'oferta" — àèéíïòóúüç';
    const note = 'Ζητήσαμε συγγνώμη.\nHem enviat un abonament.\r\nGràcies';
    const c = kase({
      client: greek,
      events: [
        {
          at: at('2026-03-02T09:00:00Z'),
          type: 'step_skipped',
          stepKey: 'compensation',
          actor: 'U0OWNER01',
          data: { reason: catalan },
        },
      ],
    });
    const d = kase({ id: 2, client: catalan, ownerId: note });
    const rows = records(casesToCsv([c, d]));
    expect(rows[0]?.client).toBe(greek);
    expect(JSON.parse(rows[0]?.details as string)).toEqual({ reason: catalan });
    expect(rows[1]?.client).toBe(catalan);
    expect(rows[1]?.owner).toBe(note);
    // the bytes are UTF-8: decoding the Buffer gives the same text back
    const buf = Buffer.from(casesToCsv([c]), 'utf8');
    expect(buf.toString('utf8')).toContain(greek);
  });

  it('quotes a lone line feed so a spreadsheet keeps it in the cell', () => {
    const csv = casesToCsv([kase({ client: 'two\nlines' })]);
    expect(csv).toContain('"two\nlines"');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")'],
    ["+1+cmd|' /C calc'!A0"],
    ['-2+3'],
    ['@SUM(A1:A9)'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['＝1+1'],
  ])('neutralises a formula in any cell: %j', (evil) => {
    const c = kase({
      client: evil,
      ownerId: evil,
      events: [
        { at: at('2026-03-02T09:00:00Z'), type: evil, stepKey: null, actor: evil, data: null },
      ],
    });
    const [row] = records(casesToCsv([c]));
    expect(row?.client).toBe(`'${evil}`);
    expect(row?.owner).toBe(`'${evil}`);
    expect(row?.event_type).toBe(`'${evil}`);
    expect(row?.actor).toBe(`'${evil}`);
  });
});

describe('neutralizeCell', () => {
  it.each([
    ['=1', "'=1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['＠x', "'＠x"],
    ['', ''],
    ['Acme', 'Acme'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ["'=1", "'=1"],
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z'],
    ['{"reason":"=x"}', '{"reason":"=x"}'],
  ])('%j → %j', (input, output) => {
    expect(neutralizeCell(input)).toBe(output);
  });
});

describe('exportCasesCsv', () => {
  it('loads through the source with the query and returns UTF-8 bytes with a BOM', async () => {
    const seen: CaseHistoryQuery[] = [];
    const source: CaseHistorySource = {
      load: async (q) => {
        seen.push(q);
        return [kase({ client: 'Σοφία ΑΕ' })];
      },
    };
    const q = { teamId: 'T0TEAM001', channelId: 'C0CHAN001', since: at('2026-01-01T00:00:00Z') };
    const buf = await exportCasesCsv(source, q);
    expect(seen).toEqual([q]);
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(records(buf.toString('utf8'))[0]?.client).toBe('Σοφία ΑΕ');
  });
});

describe('exportCasesCsvPaged (written a page at a time, the event loop let through between)', () => {
  /** n cases of one event each, ids 1..n, a minute apart. */
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      kase({
        id: i + 1,
        client: `Client ${i + 1}`,
        createdAt: new Date(Date.UTC(2026, 2, 2, 9, i)),
      }),
    );

  /**
   * A source that serves many(n) in pages, one row per case, and makes each page "take"
   * `msPerRow(page number)` ms a row on the clock `now` reads.
   */
  function pagedSource(n: number, msPerRow: (page: number) => number) {
    const cases = many(n);
    const clock = { t: 0 };
    const limits: number[] = [];
    const source: CaseHistorySource = {
      load: async () => cases,
      exportPage: async (_q, after, limit) => {
        limits.push(limit);
        const from = after?.caseId ?? 0;
        const part = cases.slice(from, from + limit);
        clock.t += part.length * msPerRow(limits.length);
        const last = part.at(-1);
        return {
          rows: part.map((c) => ({ case: c, event: c.events[0] ?? null })),
          next:
            last && part.length === limit
              ? {
                  at: last.createdAt.getTime(),
                  caseId: last.id,
                  eventId: 0,
                  upTo: { caseId: n, eventId: n },
                }
              : null,
        };
      },
    };
    return { source, clock, limits, cases };
  }

  it('gives exportCasesCsv’s bytes, from a paged source and from one that can only load', async () => {
    const { source, cases } = pagedSource(700, () => 0.01);
    const once = await exportCasesCsv(source, { teamId: 'T0TEAM001' });
    expect(records(once.toString('utf8'))).toHaveLength(700);
    expect((await exportCasesCsvPaged(source, { teamId: 'T0TEAM001' })).equals(once)).toBe(true);
    const loadOnly: CaseHistorySource = { load: async () => cases };
    const paged = await exportCasesCsvPaged(loadOnly, { teamId: 'T0TEAM001' }, { firstPage: 64 });
    expect(paged.equals(once)).toBe(true);
    const empty = await exportCasesCsvPaged({ load: async () => [] }, { teamId: 'T0TEAM001' });
    expect(empty.toString('utf8')).toBe(`${BOM}${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('lets the event loop through after every page', async () => {
    const { source, clock, limits } = pagedSource(1000, () => 0.01);
    let pauses = 0;
    await exportCasesCsvPaged(
      source,
      { teamId: 'T0TEAM001' },
      { now: () => clock.t, pause: async () => void pauses++ },
    );
    expect(limits.length).toBeGreaterThan(1);
    expect(pauses).toBe(limits.length);
  });

  it('sizes its pages to take about pageMs: growing at most twofold, shrinking at once', async () => {
    // 0.01 ms a row for five pages (2 ms is 200 rows), then ten times slower (20 rows; 50 at least).
    const { source, clock, limits } = pagedSource(3000, (page) => (page <= 5 ? 0.01 : 0.1));
    await exportCasesCsvPaged(
      source,
      { teamId: 'T0TEAM001' },
      { now: () => clock.t, pause: async () => {}, pageMs: 2, firstPage: 50 },
    );
    expect(limits.slice(0, 8)).toEqual([50, 100, 200, 200, 200, 200, 50, 50]);
  });

  it('stops with an error when a page does not move on, instead of writing it for ever', async () => {
    const c = kase();
    const stuck = { at: 0, caseId: 1, eventId: 1, upTo: { caseId: 1, eventId: 1 } };
    const source: CaseHistorySource = {
      load: async () => [c],
      exportPage: async () => ({ rows: [{ case: c, event: null }], next: stuck }),
    };
    // (setImmediate between pages, as in the bot: without the check, the test's timeout ends it)
    await expect(exportCasesCsvPaged(source, { teamId: 'T0TEAM001' })).rejects.toThrow(
      'did not move on',
    );
  });
});
