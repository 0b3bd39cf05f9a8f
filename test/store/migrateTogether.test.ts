/**
 * SQLite only (PostgreSQL's counterpart is in postgresConcurrency.test.ts).
 * Processes starting together on one new database: each opens it, and exactly one of them
 * migrates it; none fails with "database is locked" or "table already exists".
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { SCHEMA_VERSION, sqliteVersion } from '../../src/store/db.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'amends-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Answer = { ok: boolean; version?: number; error?: string };

function child(db: string): { proc: ChildProcess; ready: Promise<void>; answer: Promise<Answer> } {
  const proc = fork(join(import.meta.dirname, '../helpers/openChild.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DB: db },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ready!: () => void;
  let answer!: (a: Answer) => void;
  const r = {
    proc,
    ready: new Promise<void>((res) => {
      ready = res;
    }),
    answer: new Promise<Answer>((res) => {
      answer = res;
    }),
  };
  proc.on('message', (m) => (m === 'ready' ? ready() : answer(m as Answer)));
  proc.on('exit', (code) => answer({ ok: false, error: `exited with ${code} before answering` }));
  return r;
}

describe('processes starting together', () => {
  it('two processes starting on a new database migrate its schema once between them (ten rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const db = join(dir, `round-${round}.db`);
      const pair = [child(db), child(db)];
      await Promise.all(pair.map((p) => p.ready)); // both loaded: the opens race
      for (const p of pair) p.proc.send('go');
      const answers = await Promise.all(pair.map((p) => p.answer));
      expect(answers, `round ${round}`).toEqual([
        { ok: true, version: SCHEMA_VERSION },
        { ok: true, version: SCHEMA_VERSION },
      ]);
    }
  }, 120_000);

  it('a database migrated by another process is opened without migrating again', async () => {
    const path = join(dir, 'twice.db');
    const first = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
    const second = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
    try {
      expect(second.engine).toBe('sqlite');
      expect(sqliteVersion(second.sqlite as Database.Database)).toBe(SCHEMA_VERSION);
      // Both work on it: what one writes, the other reads.
      await first.repos.workspaces.pause('T1', 'token_revoked', new Date());
      expect(await second.repos.workspaces.pausedReason('T1')).toBe('token_revoked');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
