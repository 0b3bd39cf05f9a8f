import { wellFormed } from '../domain/text.js';
import type { LineBody, LineStore, PendingLine } from '../services/ports.js';
import { type Db, lightly } from './db.js';

interface LineRow {
  id: number;
  team_id: string;
  case_id: number;
  body: string;
  created_at: number;
}

const toLine = (r: LineRow): PendingLine => ({
  id: r.id,
  teamId: r.team_id,
  caseId: r.case_id,
  // Well-formed on read: a line stored before the door repaired text is posted as text.
  body: wellFormed(JSON.parse(r.body) as LineBody),
  createdAt: new Date(r.created_at),
});

/** The thread-line outbox. */
export class LineRepo implements LineStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      add: db.prepare(
        `INSERT INTO thread_lines (team_id, case_id, body, created_at, status) VALUES (?, ?, ?, ?, 'pending')`,
      ),
      pending: db.prepare(
        `SELECT * FROM thread_lines WHERE case_id = ? AND team_id = ? AND status = 'pending' ORDER BY id`,
      ),
      cases: db.prepare(
        `SELECT team_id, case_id, MIN(id) AS first FROM thread_lines WHERE status = 'pending' AND created_at < ?
         GROUP BY team_id, case_id ORDER BY first LIMIT ?`,
      ),
      sentTs: db.prepare(
        `SELECT ts FROM thread_lines WHERE case_id = ? AND team_id = ? AND status = 'sent' AND ts IS NOT NULL ORDER BY id`,
      ),
      sent: db.prepare(
        `UPDATE thread_lines SET status = 'sent', ts = ? WHERE id = ? AND status = 'pending'`,
      ),
    };
  }
  add(teamId: string, caseId: number, body: LineBody, now: Date): number {
    return Number(
      this.#s.add.run(teamId, caseId, JSON.stringify(body), now.getTime()).lastInsertRowid,
    );
  }
  pendingFor(teamId: string, caseId: number): PendingLine[] {
    return (this.#s.pending.all(caseId, teamId) as LineRow[]).map(toLine);
  }
  casesWithPending(before: Date, limit: number): { teamId: string; caseId: number }[] {
    return (
      this.#s.cases.all(before.getTime(), limit) as { team_id: string; case_id: number }[]
    ).map((r) => ({ teamId: r.team_id, caseId: r.case_id }));
  }
  /** What a case's lines posted: message ts, and `file:<id>` for the invite files. */
  sentFor(teamId: string, caseId: number): string[] {
    return (this.#s.sentTs.all(caseId, teamId) as { ts: string }[])
      .map((r) => r.ts)
      .filter((ts) => /^\d+\.\d+$/.test(ts) || /^file:F\w+$/.test(ts));
  }
  /** Without an fsync (lightly): lost to a power cut, the line is found again by its metadata. */
  markSent(id: number, ts: string): void {
    lightly(this.db, () => this.#s.sent.run(ts, id));
  }
}
