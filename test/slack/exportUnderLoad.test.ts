/**
 * `/incident export` of a large workspace (10^5 events) while people go on using Amends. The export
 * is read and written a page at a time, letting the event loop through between pages, so commands
 * sent meanwhile are taken and answered while it runs. Done at once, it held the event loop for
 * seconds: every command sent during it waited for the whole export, and the gate turned them away
 * as busy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seedHistory } from '../../bench/lib/seed.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { exportCaseSheetCsv, exportCasesCsv } from '../../src/services/export.js';
import { openDatabase } from '../../src/store/db.js';
import { sqliteStore } from '../../src/store/index.js';
import { ReportRepo } from '../../src/store/reportRepo.js';
import {
  CHANNEL,
  type Harness,
  MARIA,
  present,
  startHarness,
  TEAM,
  testEngine,
} from '../helpers/harness.js';
import { JOAN, NIKOS, OTHER_CHANNEL } from '../helpers/slack.js';

let h: Harness | null = null;
let dir: string | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = null;
  dir = null;
});

// SQLite only: seeds its SQLite file before the bot starts.
describe.skipIf(testEngine() === 'postgres')(
  '/incident export of 10^5 events while commands arrive',
  () => {
    it('serves every command sent during the export, its file the workspace as it was when asked', async () => {
      // Seeded, and exported at once as before, ahead of the app's start: that work is not the test's.
      dir = mkdtempSync(join(tmpdir(), 'amends-export-load-'));
      const db = openDatabase(join(dir, 'amends.db'));
      const seeded = seedHistory(db, {
        teamId: TEAM,
        events: 100_000,
        perCase: 10,
        channels: [CHANNEL, OTHER_CHANNEL],
        users: [MARIA, NIKOS, JOAN],
        from: new Date('2025-01-06T08:00:00Z'),
        seed: 21,
      });
      const store = sqliteStore(db, DEFAULT_PLAYBOOK);
      const expected = await exportCasesCsv(store.reports, { teamId: TEAM });
      const expectedSheet = await exportCaseSheetCsv(store.reports, { teamId: TEAM });
      await store.close();
      expect(seeded.events).toBe(100_000);
      const harness = await startHarness({ dir });
      h = harness;

      // Counts the pages the export reads; the commands go once it has read its first one.
      const original = ReportRepo.prototype.exportPage;
      let reading: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const pageReads = vi.spyOn(ReportRepo.prototype, 'exportPage').mockImplementation(function (
        this: ReportRepo,
        ...args
      ) {
        reading();
        return original.apply(this, args);
      });
      const pages = () => pageReads.mock.calls.length;

      const exporting = harness.command('export');
      await started;
      const clients = ['Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'];
      const answeredAt: number[] = [];
      const answers = await Promise.all(
        clients.map(async (c, i) => {
          const r = await harness.command(`${c} Ltd: order ${i} arrived late`, {
            user: i % 2 ? NIKOS : MARIA,
          });
          answeredAt.push(pages());
          return r;
        }),
      );
      expect(await exporting).toEqual({ status: 200, text: '' });

      // Each command was answered while the export was still being read, not after it.
      expect(Math.max(...answeredAt)).toBeLessThan(pages());
      // None was turned away: each was answered as usual (an empty ack) and its case stored.
      expect(answers).toEqual(clients.map(() => ({ status: 200, text: '' })));
      expect(harness.amends.gate.refused.busy).toBe(0);
      // The seeded cases are older (2025): the newest open ones are these, in any order.
      const stored = (await harness.amends.caseRepo.listOpenInTeam(TEAM, 50))
        .filter((c) => c.client.endsWith(' Ltd'))
        .sort((a, b) => a.id - b.id)
        .map((c) => c.client);
      expect(stored).toEqual(clients.map((c) => `${c} Ltd`));

      // The file is the one the export made at once before (byte for byte): every seeded event, case
      // after case, and nothing written after it was asked for.
      const file = present(
        () => harness.fake.files.find((f) => f.filename.startsWith('amends-timeline-')),
        'timeline',
      );
      expect(file.content.length).toBe(expected.length);
      expect(file.content.equals(expected)).toBe(true);
      // The case sheet, read a page of cases at a time after it, stops at the same cases.
      const sheet = present(
        () => harness.fake.files.find((f) => f.filename.startsWith('amends-cases-')),
        'case sheet',
      );
      expect(sheet.content.equals(expectedSheet)).toBe(true);
    }, 60_000);
  },
);
