import type { Clock } from '../domain/clock.js';
import {
  type Learning,
  learnAcrossCases,
  type OutcomeSummary,
  summarizeOutcomes,
} from '../domain/outcomes.js';
import { type CaseHistorySource, type ExportFiles, exportFiles } from './export.js';

/** The outcomes window (App Home, `/incident report`) and the learning window, in days. */
export const OUTCOME_DAYS = 90;
export const LEARNING_DAYS = 365;
const DAY_MS = 24 * 60 * 60_000;
/** Refused cases listed at most (App Home and the report show ten, then "…and N more"). */
const LISTED_REFUSALS = 50;

export interface Report {
  readonly summary: OutcomeSummary;
  readonly learning: Learning;
}

/** Reports and the export, computed from the events log (through a read-only source). */
export class ReportService {
  /**
   * The last report per team and channel, with the events mark and the hour it was drawn at: App
   * Home is redrawn after every change for the owner and the creator, and both (and every click
   * that changes nothing) would otherwise load the team's year of cases again.
   */
  readonly #last = new Map<string, { key: string; report: Report }>();

  constructor(
    readonly source: CaseHistorySource,
    readonly clock: Clock,
  ) {}

  /** A channel's figures, or the workspace's (channelId null). */
  async report(teamId: string, channelId: string | null): Promise<Report> {
    const now = this.clock.now();
    const at = `${teamId}|${channelId ?? ''}`;
    const key = this.source.mark
      ? `${await this.source.mark()}|${Math.floor(now.getTime() / 3_600_000)}`
      : null;
    const hit = this.#last.get(at);
    if (key && hit?.key === key) return hit.report;
    const report = await this.#draw(teamId, channelId, now);
    if (key) this.#last.set(at, { key, report });
    return report;
  }

  async #draw(teamId: string, channelId: string | null, now: Date): Promise<Report> {
    const cases = await this.source.load({
      teamId,
      ...(channelId ? { channelId } : {}),
      since: new Date(now.getTime() - LEARNING_DAYS * DAY_MS),
      // A case decided in the window counts there whenever it was opened.
      decidedToo: true,
    });
    // The cases open now, however old: counted by the store, not loaded.
    const openNow = this.source.openNow
      ? await this.source.openNow(teamId, channelId, LISTED_REFUSALS)
      : undefined;
    return {
      summary: summarizeOutcomes(cases, {
        now,
        days: OUTCOME_DAYS,
        ...(openNow ? { openNow } : {}),
      }),
      learning: learnAcrossCases(cases, { now, days: LEARNING_DAYS }),
    };
  }

  /**
   * Every case of the workspace as two CSV files (UTF-8 with a BOM): the case sheet, one row per
   * case, and the timeline, one row per event; written a page at a time between other requests, so
   * commands sent during a large export are answered as usual.
   */
  exportCsv(teamId: string): Promise<ExportFiles> {
    return exportFiles(this.source, { teamId });
  }
}
