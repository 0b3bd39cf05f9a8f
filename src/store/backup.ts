import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupReport {
  readonly from: string;
  readonly to: string;
  readonly schemaVersion: number;
  readonly cases: number;
  readonly pendingReminders: number;
  readonly bytes: number;
  readonly ms: number;
}

/**
 * A consistent copy of a SQLite database that may be in use (the bot running, replicas on one
 * host): `VACUUM INTO` reads it in one read transaction, so the copy is the database as of one
 * commit, whatever commits after it while copying (WAL: the bot's writes don't wait for it, nor it
 * for them). The copy is written beside `to` under a temporary name, checked (`quick_check`),
 * flushed to disk, then linked to `to`, which fails if `to` exists: an existing file is never
 * overwritten, even one created meanwhile.
 */
export function backupSqlite(from: string, to: string, now: () => number = Date.now): BackupReport {
  const started = now();
  if (!existsSync(from)) throw new Error(`there is no database at ${from} (set DATABASE_PATH)`);
  if (existsSync(to))
    throw new Error(`${to} already exists: refusing to overwrite it; give another --out`);
  if (resolve(from) === resolve(to)) throw new Error('--out must not be the database itself');
  mkdirSync(dirname(resolve(to)), { recursive: true });
  const partial = `${to}.partial-${process.pid}`;
  const src = new Database(from, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    src.prepare('VACUUM INTO ?').run(partial);
  } finally {
    src.close();
  }
  try {
    const copy = new Database(partial, { fileMustExist: true });
    let report: Omit<BackupReport, 'bytes' | 'ms'>;
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its check: ${String(check)}`);
      const count = (sql: string) => (copy.prepare(sql).get() as { n: number }).n;
      report = {
        from,
        to,
        schemaVersion: copy.pragma('user_version', { simple: true }) as number,
        cases: count('SELECT COUNT(*) AS n FROM cases'),
        pendingReminders: count("SELECT COUNT(*) AS n FROM reminders WHERE status = 'pending'"),
      };
    } finally {
      copy.close();
    }
    const fd = openSync(partial, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(partial, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new Error(`${to} already exists: refusing to overwrite it; give another --out`);
      throw e;
    }
    syncDir(dirname(resolve(to)));
    return { ...report, bytes: statSync(to).size, ms: now() - started };
  } finally {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`])
      if (existsSync(f)) unlinkSync(f);
  }
}

/** The folder's entry for the new file on disk too (a power cut right after must keep it). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every filesystem lets a folder be opened or synced; the file itself is on disk
  }
}
