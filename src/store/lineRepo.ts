import { wellFormed } from '../domain/text.js';
import type { LineBody, LineStore, PendingLine } from '../services/ports.js';
import type { Conn } from './sql.js';
import { UNINSTALLED } from './workspaceRepo.js';

const ADD = `INSERT INTO thread_lines (team_id, case_id, body, created_at, status) VALUES (?, ?, ?, ?, 'pending')
  RETURNING id`;
const PENDING = `SELECT * FROM thread_lines WHERE case_id = ? AND team_id = ? AND status = 'pending' ORDER BY id`;
// A workspace that uninstalled Amends has no token: its lines wait (see caseRepo's INSTALLED).
const CASES = `SELECT team_id, case_id, MIN(id) AS first FROM thread_lines WHERE status = 'pending' AND created_at < ?
  AND team_id NOT IN (SELECT team_id FROM workspaces WHERE paused_reason = '${UNINSTALLED}')
  GROUP BY team_id, case_id ORDER BY first LIMIT ?`;
const SENT_TS = `SELECT ts FROM thread_lines WHERE case_id = ? AND team_id = ? AND status = 'sent' AND ts IS NOT NULL ORDER BY id`;
const MARK_SENT = `UPDATE thread_lines SET status = 'sent', ts = ? WHERE id = ? AND status = 'pending'`;

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
  constructor(readonly conn: Conn) {}
  async add(teamId: string, caseId: number, body: LineBody, now: Date): Promise<number> {
    const r = await this.conn.get<{ id: number }>(ADD, [
      teamId,
      caseId,
      JSON.stringify(body),
      now.getTime(),
    ]);
    if (!r) throw new Error('thread line not stored');
    return Number(r.id);
  }
  async pendingFor(teamId: string, caseId: number): Promise<PendingLine[]> {
    return (await this.conn.all<LineRow>(PENDING, [caseId, teamId])).map(toLine);
  }
  async casesWithPending(
    before: Date,
    limit: number,
  ): Promise<{ teamId: string; caseId: number }[]> {
    const rows = await this.conn.all<{ team_id: string; case_id: number }>(CASES, [
      before.getTime(),
      limit,
    ]);
    return rows.map((r) => ({ teamId: r.team_id, caseId: r.case_id }));
  }
  /** What a case's lines posted: message ts, and `file:<id>` for the invite files. */
  async sentFor(teamId: string, caseId: number): Promise<string[]> {
    return (await this.conn.all<{ ts: string }>(SENT_TS, [caseId, teamId]))
      .map((r) => r.ts)
      .filter((ts) => /^\d+\.\d+$/.test(ts) || /^file:F\w+$/.test(ts));
  }
  /** Written lightly (no fsync): lost to a power cut, the line is found again by its metadata. */
  async markSent(id: number, ts: string): Promise<void> {
    await this.conn.run(MARK_SENT, [ts, id], { light: true });
  }
}
