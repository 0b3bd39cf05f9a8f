import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { CaseHistorySource } from '../../src/services/export.js';
import { ReportService } from '../../src/services/reports.js';

describe('ReportService', () => {
  it('draws a team’s report again only when an event was written or the hour turned', async () => {
    let mark = 1;
    let loads = 0;
    const source: CaseHistorySource = {
      load: async () => {
        loads++;
        return [];
      },
      mark: async () => mark,
    };
    const clock = new ManualClock('2026-11-23T08:10:00Z');
    const reports = new ReportService(source, clock);
    await reports.report('T1', null);
    await reports.report('T1', null);
    expect(loads).toBe(1);
    await reports.report('T1', 'C1'); // another scope: its own report
    expect(loads).toBe(2);
    mark = 2; // a change anywhere
    await reports.report('T1', null);
    expect(loads).toBe(3);
    clock.set('2026-11-23T09:00:00Z'); // the windows moved on
    await reports.report('T1', null);
    expect(loads).toBe(4);
  });
});
