/**
 * `/incident export`: the workspace's cases as two CSV files (the case sheet, one row per case, and
 * the timeline, one row per event), shared in one message in the person's DM with Amends
 * (conversations.open, then getUploadURLExternal → upload for each, one completeUploadExternal),
 * never into the channel where the command was typed.
 */

import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import type { StoredFile } from '../../src/sandbox/fakeSlack.js';
import { BOM, CASE_COLUMNS, TIMELINE_COLUMNS } from '../../src/services/export.js';
import { openInput } from '../helpers/builders.js';
import { openViaCommand } from '../helpers/cases.js';
import { csvRecords } from '../helpers/csv.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import { command, JOAN, OTHER_CHANNEL, OTHER_TEAM, press, useHarness } from '../helpers/slack.js';

/** The DM channel Slack gives a user's conversation with the bot (the fake: D + the user id's tail). */
const dmOf = (user: string) => `D${user.slice(1)}`;

/** The uploaded timeline's rows as objects keyed by column (after checking the BOM and the header). */
const recordsOf = (f: StoredFile): Record<string, string>[] =>
  csvRecords(f.content.toString('utf8'));
/** The uploaded case sheet's rows, keyed by column. */
const caseRecordsOf = (f: StoredFile): Record<string, string>[] =>
  csvRecords(f.content.toString('utf8'), CASE_COLUMNS);
/** The export's two files, as the fake stored them: the case sheet, then the timeline. */
const exportFiles = (h: Harness) => {
  const cases = present(
    () => h.fake.files.find((f) => f.filename.startsWith('amends-cases-')),
    'case sheet',
  );
  const timeline = present(
    () => h.fake.files.find((f) => f.filename.startsWith('amends-timeline-')),
    'timeline',
  );
  return { cases, timeline };
};

/** A workspace's events, case after case, as stored (the report's read of its history). */
const eventsOf = async (h: Harness, team = TEAM) =>
  (await h.amends.store.reports.load({ teamId: team })).flatMap((c) =>
    c.events.map((e) => ({ caseId: c.id, type: e.type })),
  );

/** Messages and files the bot put in a channel since the `from`-th call (by any write method). */
const writesTo = (h: Harness, channel: string, from = 0) =>
  h.fake.calls
    .slice(from)
    .filter((c) => c.args.channel === channel || c.args.channel_id === channel)
    .filter((c) => /^(chat\.(postMessage|update|postEphemeral)|files\.)/.test(c.method));

describe('/incident export', () => {
  const ctx = useHarness();

  it('uploads every case’s events as CSV to the person’s DM only', async () => {
    const { h } = ctx;
    const greek = await openViaCommand(h, 'Ξενοδοχείο Ακρόπολις: λάθος κράτηση');
    const catalan = await openViaCommand(
      h,
      'Fàbrica Puig i Fills, S.L.: comanda d’espècies errònia',
      {
        channel: OTHER_CHANNEL,
      },
    );
    const formula = await openViaCommand(h, "=cmd|' /C calc'!A0: invoice with a formula");
    // A click adds an event of its own: the export has one row per event, not per case.
    await press(
      h,
      present(() => h.fake.findMessage(CHANNEL, greek.messageTs ?? ''), 'parent'),
      'amends_step_done',
      {
        step: 'own_up',
      },
    );
    const mark = h.fake.calls.length;
    const before = h.fake.messages.length;

    const r = await command(h, 'export');
    expect(r).toEqual({ status: 200, text: '' });

    // The DM is opened for the person, and the file is completed there.
    const open = h.fake.callsTo('conversations.open');
    expect(open.map((c) => c.args.users)).toEqual([MARIA]);
    // Two files, shared together in one message of the DM: the case sheet first, then the timeline.
    expect(h.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(h.fake.files.map((f) => [f.filename, f.title])).toEqual([
      ['amends-cases-2026-11-23.csv', 'Amends cases 2026-11-23'],
      ['amends-timeline-2026-11-23.csv', 'Amends timeline 2026-11-23'],
    ]);
    const { cases: sheet, timeline: file } = exportFiles(h);
    for (const f of [sheet, file]) {
      expect(f.channel).toBe(dmOf(MARIA));
      expect(f.initial_comment).toBe(en.report.exportReady);
      expect(f.mimetype).toBe('text/csv');
    }
    expect(sheet.message_ts).toBe(file.message_ts);
    // Nothing went to the channel the command was typed in (or to any other channel).
    expect(writesTo(h, CHANNEL, mark)).toEqual([]);
    const newMessages = h.fake.messages.slice(before);
    expect(newMessages.map((m) => m.channel)).toEqual([dmOf(MARIA)]);
    expect(newMessages[0]?.subtype).toBe('file_share');
    expect(newMessages[0]?.files).toHaveLength(2);
    // Nothing said in public or privately in the channel: the file is the answer.
    expect(h.fake.responses).toEqual([]);

    // UTF-8 with a BOM, the header, then one row per stored event, case by case.
    expect([...file.content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = recordsOf(file);
    const events = await eventsOf(h);
    expect(rows).toHaveLength(events.length);
    expect(rows.map((x) => [Number(x.case_id), x.event])).toEqual(
      events.map((e) => [e.caseId, e.type]),
    );
    expect(new Set(rows.map((x) => Number(x.case_id)))).toEqual(
      new Set([greek.id, catalan.id, formula.id]),
    );
    expect(rows.filter((x) => Number(x.case_id) === greek.id).map((x) => x.event)).toContain(
      'step_done',
    );

    // Greek and Catalan survive byte for byte; the channel column says where each case lives.
    const byCase = (id: number) => rows.find((x) => Number(x.case_id) === id);
    expect(byCase(greek.id)).toMatchObject({
      client: 'Ξενοδοχείο Ακρόπολις',
      channel_id: CHANNEL,
    });
    expect(byCase(catalan.id)).toMatchObject({
      client: 'Fàbrica Puig i Fills, S.L.',
      channel_id: OTHER_CHANNEL,
    });
    // A client name a spreadsheet would run as a formula gets a leading apostrophe.
    expect(byCase(formula.id)?.client).toBe("'=cmd|' /C calc'!A0");
    expect(file.content.toString('utf8')).not.toMatch(/(^|[,\n])=cmd/);

    // The case sheet: one row per case, in opening order, the own-up stamped on the Greek one.
    const sheetRows = caseRecordsOf(sheet);
    expect(sheetRows.map((x) => Number(x.case_id))).toEqual([greek.id, catalan.id, formula.id]);
    expect(sheetRows[0]).toMatchObject({ client: 'Ξενοδοχείο Ακρόπολις', status: 'open' });
    expect(sheetRows[0]?.owned_up_utc).not.toBe('');
    expect(sheetRows[1]?.owned_up_utc).toBe('');
    expect(sheetRows[2]?.client).toBe("'=cmd|' /C calc'!A0");
  });

  it('names people, channels from what the bot already knows, never asking Slack per row', async () => {
    const { h } = ctx;
    // Opening a case asks Slack once for the person (users.info) and the channel (conversations.info).
    const c = await openViaCommand(h, 'Acme: late pallets', { user: JOAN });
    const a = await openViaCommand(h, 'Beta: wrong invoice');
    const mark = h.fake.calls.length;
    await command(h, 'export');
    // No users.info or conversations.info for the rows: only the admin check.
    const asked = h.fake.calls.slice(mark).map((x) => x.method);
    expect(asked.filter((m) => m === 'users.info')).toHaveLength(1);
    expect(asked).not.toContain('conversations.info');
    const { cases: sheet, timeline } = exportFiles(h);
    const known = await h.amends.store.repos.profiles.get(TEAM, JOAN);
    expect(known?.name).toBeTruthy();
    const rows = caseRecordsOf(sheet);
    expect(rows.find((r) => Number(r.case_id) === c.id)).toMatchObject({
      owner_id: JOAN,
      owner_name: known?.name,
      channel_id: CHANNEL,
      // The fake names a channel by its id in lower case, as conversations.info gave it.
      channel_name: CHANNEL.toLowerCase(),
    });
    expect(rows.find((r) => Number(r.case_id) === a.id)?.owner_id).toBe(MARIA);
    const events = recordsOf(timeline);
    expect(events.find((r) => Number(r.case_id) === c.id)).toMatchObject({
      event: 'case_opened',
      actor_id: JOAN,
      actor_name: known?.name,
      channel_name: CHANNEL.toLowerCase(),
    });
    // Someone the bot never saw (no profile of theirs): the id stays, the name is empty.
    const STRANGER = 'U0NEVER01';
    expect(await h.amends.store.repos.profiles.get(TEAM, STRANGER)).toBeNull();
    const theirs = await h.amends.caseRepo.insert(
      openCase(
        openInput({ teamId: TEAM, channelId: CHANNEL, ownerId: STRANGER, creatorId: STRANGER }),
        DEFAULT_PLAYBOOK,
        h.clock.now(),
      ),
      h.clock.now(),
    );
    await command(h, 'export', { user: MARIA });
    const again = caseRecordsOf(
      present(
        () => h.fake.files.filter((f) => f.filename.startsWith('amends-cases-'))[1],
        'second sheet',
      ),
    );
    expect(again.find((r) => Number(r.case_id) === theirs.id)).toMatchObject({
      owner_id: STRANGER,
      owner_name: '',
    });
  });

  it('exports only the workspace the command came from', async () => {
    const { h } = ctx;
    const mine = await openViaCommand(h, 'Acme: late pallets');
    await command(h, 'Other Co: wrong invoice', { team: OTHER_TEAM });
    expect((await eventsOf(h, OTHER_TEAM)).length).toBeGreaterThan(0);
    await command(h, 'export');
    const { cases: sheet, timeline: file } = exportFiles(h);
    const rows = recordsOf(file);
    expect(new Set(rows.map((x) => Number(x.case_id)))).toEqual(new Set([mine.id]));
    expect(rows.map((x) => x.client)).not.toContain('Other Co');
    expect(caseRecordsOf(sheet).map((x) => Number(x.case_id))).toEqual([mine.id]);
  });

  it('each person gets the file in their own DM', async () => {
    const { h } = ctx;
    await openViaCommand(h, 'Acme: late pallets');
    await command(h, 'export', { user: JOAN });
    expect(h.fake.callsTo('conversations.open').map((c) => c.args.users)).toEqual([JOAN]);
    expect(h.fake.files.map((f) => f.channel)).toEqual([dmOf(JOAN), dmOf(JOAN)]);
  });

  it('a workspace with no cases gets the header rows only', async () => {
    const { h } = ctx;
    await command(h, 'export');
    const { cases: sheet, timeline: file } = exportFiles(h);
    expect(recordsOf(file)).toEqual([]);
    expect(file.content.toString('utf8')).toBe(`${BOM}${TIMELINE_COLUMNS.join(',')}\r\n`);
    expect(sheet.content.toString('utf8')).toBe(`${BOM}${CASE_COLUMNS.join(',')}\r\n`);
  });

  it.each([
    ['files.completeUploadExternal', 'not_in_channel'],
    ['files.getUploadURLExternal', 'invalid_arguments'],
    ['conversations.open', 'user_disabled'],
  ])('when %s fails (%s), only the person is told, privately', async (method, code) => {
    const { h } = ctx;
    await openViaCommand(h, 'Acme: late pallets');
    const mark = h.fake.calls.length;
    const before = h.fake.messages.length;
    h.fake.failNext(method, code);
    const r = await command(h, 'export');
    expect(r).toEqual({ status: 200, text: '' });
    expect(h.fake.callsTo(method).length).toBeGreaterThan(0);
    expect(h.fake.files).toEqual([]);
    expect(h.fake.messages.slice(before)).toEqual([]);
    expect(writesTo(h, CHANNEL, mark)).toEqual([]);
    expect(h.fake.responses.map((x) => x.body)).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        text: en.report.exportFailed,
      }),
    ]);
    // What happened and what to do, in words: never Slack's code.
    expect(en.report.exportFailed).toMatch(/^Slack did not take the export file/);
    expect(JSON.stringify(h.fake.responses)).not.toContain(code);
  });
});

describe('the fake’s conversations.open (what /incident export relies on)', () => {
  const ctx = useHarness();

  it('answers one stable DM id per user, the one a post to the user id lands in', async () => {
    const { h } = ctx;
    const client = h.amends.client;
    const first = await client.conversations.open({ users: MARIA });
    expect(first).toMatchObject({ ok: true, channel: { id: dmOf(MARIA) } });
    expect(first.already_open).toBeUndefined();
    const again = await client.conversations.open({ users: MARIA });
    expect(again).toMatchObject({
      ok: true,
      no_op: true,
      already_open: true,
      channel: { id: dmOf(MARIA) },
    });
    const full = await client.conversations.open({ users: JOAN, return_im: true });
    expect(full.channel).toMatchObject({ id: dmOf(JOAN), is_im: true, user: JOAN });
    const posted = await client.chat.postMessage({ channel: MARIA, text: 'hi' });
    expect(posted.channel).toBe(dmOf(MARIA));
    const err = await client.conversations.open({ users: 'U0NOBODY1' }).catch((e: unknown) => e);
    expect((err as { data?: { error?: string } }).data?.error).toBe('user_not_found');
    const none = await client.conversations.open({} as never).catch((e: unknown) => e);
    expect((none as { data?: { error?: string } }).data?.error).toBe('users_list_not_supplied');
  });
});

describe('/incident export is for workspace admins', () => {
  const ctx = useHarness();

  it('someone who is not an admin is refused privately, no file made', async () => {
    const { h } = ctx;
    await openViaCommand(h, 'Acme: late pallets');
    await command(h, 'export', { user: 'U0NIKOS01' });
    expect(h.fake.files).toEqual([]);
    const note = present(() => h.fake.responses.at(-1), 'private note').body as { text: string };
    expect(note.text).toContain('Only workspace admins can export every case');
  });

  it('when Slack cannot say whether the person is an admin, they read that, not that an upload failed', async () => {
    const { h } = ctx;
    await openViaCommand(h, 'Acme: late pallets');
    const mark = h.fake.calls.length;
    h.fake.failNext('users.info', 'fatal_error');
    const r = await command(h, 'export');
    expect(r).toEqual({ status: 200, text: '' });
    expect(h.fake.calls.slice(mark).map((c) => c.method)).toEqual(['users.info']);
    expect(h.fake.files).toEqual([]);
    expect(h.fake.responses.map((x) => x.body)).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        text: en.report.exportAdminCheckFailed,
      }),
    ]);
    expect(en.report.exportAdminCheckFailed).toMatch(/could not check with Slack whether you are/);
  });
});
