import { describe, expect, it } from 'vitest';
import type { CaseHistory } from '../../src/domain/outcomes.js';
import {
  BOM,
  CASE_COLUMNS,
  type CaseHistoryQuery,
  type CaseHistorySource,
  caseSheetCsv,
  casesToCsv,
  exportCaseSheetCsv,
  exportCasesCsv,
  exportCasesCsvPaged,
  exportFiles,
  type KnownNames,
  neutralizeCell,
  TIMELINE_COLUMNS,
} from '../../src/services/export.js';
import { csvRecords } from '../helpers/csv.js';

/** Parses an export (BOM removed) into objects keyed by column. */
const records = (csv: string) => csvRecords(csv);
const caseRecords = (csv: string) => csvRecords(csv, CASE_COLUMNS);

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
  it('starts with a BOM, then the header, even with no cases', () => {
    const csv = casesToCsv([]);
    expect(csv).toBe(`${BOM}${TIMELINE_COLUMNS.join(',')}\r\n`);
    expect(records(csv)).toEqual([]);
  });

  it('writes one row per event with the case columns, instants in UTC as spreadsheets read them', () => {
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
      channel_id: 'C0CHAN001',
      channel_name: '',
      severity: 'major',
      owner_id: 'U0OWNER01',
      owner_name: '',
      status: 'won_back',
      opened_utc: '2026-03-02 09:00:00',
      closed_utc: '2026-03-05 16:30:00',
    };
    const noDetails = {
      note: '',
      outcome: '',
      when_utc: '',
      previous_when_utc: '',
      change: '',
      person_id: '',
      person_name: '',
      other_details: '',
    };
    expect(rows[0]).toEqual({
      ...caseCols,
      event_utc: '2026-03-02 09:00:00',
      event: 'case_opened',
      step: '',
      actor_id: 'U0OWNER01',
      actor_name: '',
      ...noDetails,
      // The owner at opening is the event's person; the severity, an other detail.
      person_id: 'U0OWNER01',
      other_details: 'severity: major',
    });
    expect(rows[1]).toEqual({
      ...caseCols,
      event_utc: '2026-03-02 10:15:00',
      event: 'step_done',
      step: 'own_up',
      actor_id: 'U0OWNER01',
      actor_name: '',
      ...noDetails,
    });
    expect(rows[2]).toMatchObject({
      event: 'case_closed',
      actor_id: 'U0BOSS001',
      outcome: 'won_back',
    });
  });

  describe('readable columns: people, channels by name, each detail in its column (issue 23)', () => {
    const names: KnownNames = {
      people: new Map([
        ['U0OWNER01', 'Maria Rossi'],
        ['U0JOAN001', 'Joan Smith'],
      ]),
      channels: new Map([
        ['C0CHAN001', 'customer-care'],
        ['C0SHARED1', 'acme-shared'],
      ]),
    };
    const e = (
      type: string,
      data: Record<string, unknown> | null,
      stepKey: string | null = null,
    ) => ({
      at: at('2026-03-03T09:00:00Z'),
      type,
      stepKey: stepKey as never,
      actor: 'U0JOAN001',
      data,
    });
    const c = kase({
      status: 'lost',
      closedAt: at('2026-03-20T09:00:00Z'),
      events: [
        e('case_opened', { severity: 'major', owner: 'U0OWNER01' }),
        e('step_skipped', { reason: 'Sense compensació' }, 'compensation'),
        e('meeting_booked', { at: '2026-03-05T10:00:00.000Z', from: '2026-03-04T10:00:00.000Z' }),
        e('step_snoozed', { until: '2026-03-04T08:00:00.000Z' }, 'outline'),
        e(
          'change_added',
          {
            id: 2,
            what: 'A second check, before shipping',
            who: 'U0JOAN001',
            by: '2026-03-10T17:00:00.000Z',
          },
          'corrective_changes',
        ),
        e(
          'change_dropped',
          { id: 2, what: 'A second check, before shipping', reason: 'too slow' },
          'corrective_changes',
        ),
        e('case_moved', { from: 'C0SHARED1', to: 'C0CHAN001', shared: true }),
        e('client_accepted', { notNeeded: ['meeting', 'apologize'] }),
        e('outline_saved', {
          happened: 'Late pallets',
          why: 'A missed check',
          prevention: 'Two checks',
          summary: 'We were late',
        }),
        e('step_done', null, 'own_up'),
        e('case_closed', { outcome: 'lost', reason: 'went elsewhere' }),
        e('odd', { raw: 'not json' }),
        e('someone_else', { who: 'U0NOBODY1' }),
      ],
    });
    const rows = records(casesToCsv([c], names));
    const byEvent = (type: string) => rows.find((r) => r.event === type) as Record<string, string>;

    it('names each person, the channel too, beside their ids', () => {
      expect(rows[0]).toMatchObject({
        owner_id: 'U0OWNER01',
        owner_name: 'Maria Rossi',
        channel_id: 'C0CHAN001',
        channel_name: 'customer-care',
        actor_id: 'U0JOAN001',
        actor_name: 'Joan Smith',
        person_id: 'U0OWNER01',
        person_name: 'Maria Rossi',
      });
    });

    it('leaves a name it does not know empty beside the id, never a guess', () => {
      expect(byEvent('someone_else')).toMatchObject({ person_id: 'U0NOBODY1', person_name: '' });
      const unknown = records(
        casesToCsv([kase({ ownerId: 'U0NEWBIE1', channelId: 'C0NEW0001' })], names),
      );
      expect(unknown[0]).toMatchObject({
        owner_id: 'U0NEWBIE1',
        owner_name: '',
        channel_id: 'C0NEW0001',
        channel_name: '',
      });
    });

    it('writes no JSON in any cell: each detail in its column or as a "what: value" line', () => {
      expect(byEvent('step_skipped')).toMatchObject({
        note: 'Sense compensació',
        other_details: '',
      });
      expect(byEvent('meeting_booked')).toMatchObject({
        when_utc: '2026-03-05 10:00:00',
        previous_when_utc: '2026-03-04 10:00:00',
        other_details: '',
      });
      expect(byEvent('step_snoozed')).toMatchObject({ when_utc: '2026-03-04 08:00:00' });
      expect(byEvent('change_added')).toMatchObject({
        change: '2. A second check, before shipping',
        person_id: 'U0JOAN001',
        person_name: 'Joan Smith',
        when_utc: '2026-03-10 17:00:00',
        other_details: '',
      });
      expect(byEvent('change_dropped')).toMatchObject({
        change: '2. A second check, before shipping',
        note: 'too slow',
      });
      expect(byEvent('case_moved').other_details).toBe(
        'from: #acme-shared (C0SHARED1)\nto: #customer-care (C0CHAN001)\nshared: yes',
      );
      expect(byEvent('client_accepted').other_details).toBe('not needed: meeting, apologize');
      expect(byEvent('outline_saved').other_details).toBe(
        'happened: Late pallets\nwhy: A missed check\nprevention: Two checks\nsummary: We were late',
      );
      expect(byEvent('case_closed')).toMatchObject({ outcome: 'lost', note: 'went elsewhere' });
      expect(byEvent('odd').other_details).toBe('raw: not json');
      for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[{[]"/);
    });
  });

  it('keeps a case without events as one row with empty event columns', () => {
    const rows = records(casesToCsv([kase({ events: [] })]));
    expect(rows).toEqual([
      expect.objectContaining({
        case_id: '1',
        closed_utc: '',
        event_utc: '',
        event: '',
        step: '',
        actor_id: '',
        other_details: '',
      }),
    ]);
  });

  it('keeps the order of each case’s events', () => {
    const e = (type: string, iso: string) => ({
      at: at(iso),
      type,
      stepKey: null,
      actor: 'U0OWNER01',
      data: null,
    });
    // Given out of time order: the file keeps the order given.
    const c = kase({
      events: [
        e('client_accepted', '2026-03-04T09:00:00Z'),
        e('case_opened', '2026-03-02T09:00:00Z'),
      ],
    });
    expect(records(casesToCsv([c])).map((r) => r.event)).toEqual([
      'client_accepted',
      'case_opened',
    ]);
  });

  it('keeps the order of the cases', () => {
    const a = kase({ id: 1 });
    const b = kase({ id: 2, client: 'Beta' });
    const rows = records(casesToCsv([a, b]));
    expect(rows.map((r) => [r.case_id, r.client])).toEqual([
      ['1', 'Acme'],
      ['2', 'Beta'],
    ]);
  });

  it('round-trips text in any script, with commas, quotes, line breaks', () => {
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
    expect(rows[0]?.note).toBe(catalan);
    expect(rows[1]?.client).toBe(catalan);
    expect(rows[1]?.owner_id).toBe(note);
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
    expect(row?.owner_id).toBe(`'${evil}`);
    expect(row?.event).toBe(`'${evil}`);
    expect(row?.actor_id).toBe(`'${evil}`);
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
  it('loads through the source with the query, giving UTF-8 bytes with a BOM', async () => {
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

  it('gives exportCasesCsv’s bytes, whether the source pages or can only load', async () => {
    const { source, cases } = pagedSource(700, () => 0.01);
    const once = await exportCasesCsv(source, { teamId: 'T0TEAM001' });
    expect(records(once.toString('utf8'))).toHaveLength(700);
    expect((await exportCasesCsvPaged(source, { teamId: 'T0TEAM001' })).equals(once)).toBe(true);
    const loadOnly: CaseHistorySource = { load: async () => cases };
    const paged = await exportCasesCsvPaged(loadOnly, { teamId: 'T0TEAM001' }, { firstPage: 64 });
    expect(paged.equals(once)).toBe(true);
    const empty = await exportCasesCsvPaged({ load: async () => [] }, { teamId: 'T0TEAM001' });
    expect(empty.toString('utf8')).toBe(`${BOM}${TIMELINE_COLUMNS.join(',')}\r\n`);
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

describe('the case sheet: one row per case (issue 23)', () => {
  const names: KnownNames = {
    people: new Map([['U0OWNER01', 'Maria Rossi']]),
    channels: new Map([['C0CHAN001', 'customer-care']]),
  };
  const ev = (
    iso: string,
    type: string,
    data: Record<string, unknown> | null = null,
    stepKey: string | null = null,
  ) => ({ at: at(iso), type, stepKey: stepKey as never, actor: 'U0OWNER01', data });
  const lost = kase({
    id: 4,
    client: 'Ferramenta Conti',
    summary: 'Wrong invoice, twice',
    status: 'lost',
    closedAt: at('2026-05-01T10:00:00Z'),
    steps: [
      {
        key: 'keep_trying',
        status: 'pending',
        dueAt: null,
        doneAt: null,
        followUps: { recorded: 2, missed: 1 },
      },
    ],
    events: [
      ev('2026-03-02T09:00:00Z', 'case_opened', { severity: 'major', owner: 'U0OWNER01' }),
      ev('2026-03-02T10:30:00Z', 'step_done', null, 'own_up'),
      ev('2026-03-02T11:00:00Z', 'meeting_booked', { at: '2026-03-04T10:00:00.000Z' }),
      ev('2026-03-03T11:00:00Z', 'meeting_booked', {
        at: '2026-03-05T15:00:00.000Z',
        from: '2026-03-04T10:00:00.000Z',
      }),
      ev('2026-03-05T16:00:00Z', 'step_done', null, 'apologize'),
      ev('2026-03-05T16:10:00Z', 'step_done', { note: '20% off the next order' }, 'compensation'),
      ev('2026-03-05T16:20:00Z', 'change_added', { id: 1, what: 'Two checks' }),
      ev('2026-03-05T16:21:00Z', 'change_added', { id: 2, what: 'A contact person' }),
      ev('2026-03-05T16:22:00Z', 'change_added', { id: 3, what: 'Weekly call' }),
      ev('2026-03-08T09:00:00Z', 'change_done', { id: 1, what: 'Two checks' }),
      ev('2026-03-09T09:00:00Z', 'change_dropped', { id: 3, what: 'Weekly call', reason: 'no' }),
      ev('2026-03-10T09:00:00Z', 'client_refused'),
      ev('2026-05-01T10:00:00Z', 'case_closed', { outcome: 'lost', reason: '=went elsewhere' }),
    ],
  });
  const open = kase({ id: 5, client: 'Beta', ownerId: 'U0NEWBIE1', channelId: 'C0NEW0001' });

  it('says in one row what a manager asks of a case, names beside ids', () => {
    const rows = caseRecords(caseSheetCsv([lost, open], names));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      case_id: '4',
      client: 'Ferramenta Conti',
      what_happened: 'Wrong invoice, twice',
      severity: 'major',
      status: 'lost',
      client_answer: 'refused',
      answered_utc: '2026-03-10 09:00:00',
      owner_id: 'U0OWNER01',
      owner_name: 'Maria Rossi',
      channel_id: 'C0CHAN001',
      channel_name: 'customer-care',
      opened_utc: '2026-03-02 09:00:00',
      owned_up_utc: '2026-03-02 10:30:00',
      own_up_hours: '1.5',
      meeting_utc: '2026-03-05 15:00:00',
      apologised: 'yes',
      compensation: 'given',
      compensation_note: '20% off the next order',
      changes_promised: '3',
      changes_done: '1',
      changes_dropped: '1',
      changes_open: '1',
      follow_ups_recorded: '2',
      follow_ups_missed: '1',
      decided_utc: '2026-05-01 10:00:00',
      // A reason a spreadsheet would run as a formula is neutralised like every cell.
      outcome_reason: "'=went elsewhere",
      last_event_utc: '2026-05-01 10:00:00',
      events: '13',
    });
    // An open case: nothing decided; names not known stay empty, the ids are kept.
    expect(rows[1]).toMatchObject({
      case_id: '5',
      status: 'open',
      client_answer: '',
      owner_id: 'U0NEWBIE1',
      owner_name: '',
      channel_id: 'C0NEW0001',
      channel_name: '',
      owned_up_utc: '',
      own_up_hours: '',
      apologised: 'no',
      compensation: '',
      changes_promised: '0',
      decided_utc: '',
      events: '1',
    });
  });

  it('starts with a BOM, then its header, even with no cases', () => {
    expect(caseSheetCsv([])).toBe(`${BOM}${CASE_COLUMNS.join(',')}\r\n`);
  });

  it('exportFiles gives both files from a source, names from the source, paged as at once', async () => {
    const source: CaseHistorySource = {
      load: async () => [lost, open],
      names: async () => names,
    };
    const q = { teamId: 'T0TEAM001' };
    const files = await exportFiles(source, q, { firstPage: 1, pause: async () => {} });
    const whole = (f: { pieces: readonly Buffer[]; length: number }) =>
      Buffer.concat(f.pieces, f.length);
    expect(whole(files.cases).equals(await exportCaseSheetCsv(source, q))).toBe(true);
    expect(whole(files.timeline).equals(await exportCasesCsv(source, q))).toBe(true);
    expect(caseRecords(whole(files.cases).toString('utf8')).map((r) => r.owner_name)).toEqual([
      'Maria Rossi',
      '',
    ]);
    expect(records(whole(files.timeline).toString('utf8'))).toHaveLength(14);
  });
});
