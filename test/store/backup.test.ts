/**
 * `npm run backup` (the bundled backupCli.js, a process of its own) while a burst of clicks and
 * commands runs on the bot; then a restore as the README says (stop, put the copy in place with no
 * -wal/-shm beside it, start): every case of the copy reads back whole, every pending reminder goes
 * out once, and nothing is posted twice.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Amends } from '../../src/amends.js';
import { composeAmends } from '../../src/compose.js';
import type { StepKey } from '../../src/domain/playbook.js';
import { loggerFromLog } from '../../src/log.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { ACTION } from '../../src/slack/ids.js';
import { buildBundle } from '../helpers/bundle.js';
import { testConfig } from '../helpers/config.js';
import { FakePacer, type Harness, startHarness, TEAM } from '../helpers/harness.js';
import { command, type Opened, openCase, press } from '../helpers/slack.js';

const bundle = buildBundle();
const dir = mkdtempSync(join(tmpdir(), 'amends-backup-'));
afterAll(() => {
  bundle.remove();
  rmSync(dir, { recursive: true, force: true });
});

const backupCli = () => join(bundle.dir, 'backupCli.js');

/** The steps whose "done" button is on a parent (own-up excluded: its nudge must stay pending). */
function doneSteps(parent: StoredMessage): StepKey[] {
  return (parent.blocks ?? [])
    .map((b) => b as { block_id?: string; elements?: { action_id?: string }[] })
    .filter(
      (b) =>
        b.block_id?.startsWith('actions_') &&
        b.block_id !== 'actions_own_up' &&
        b.elements?.some((e) => e.action_id === ACTION.done),
    )
    .map((b) => (b.block_id as string).slice('actions_'.length) as StepKey);
}

/** Every Slack post that carries Amends' metadata, as one key each (a repeat is a double post). */
const postKeys = (h: Harness) =>
  h.fake.messages
    .filter((m) => m.metadata?.event_type)
    .map((m) => `${m.metadata?.event_type}:${JSON.stringify(m.metadata?.event_payload)}`);

describe('backup', () => {
  type Run = (
    args: string[],
    env?: Record<string, string>,
  ) => { status: number | null; out: string };

  /** A bot with one case; `fn` gets the backup CLI run against its database, and the database. */
  async function withBackupCli(fn: (run: Run, db: string) => Promise<void> | void) {
    const h = await startHarness({ engine: 'sqlite' });
    try {
      await openCase(h, 'Acme: wrong pallets');
      const db = join(h.dir, 'amends.db');
      const run: Run = (args, env = {}) => {
        const r = spawnSync(process.execPath, [backupCli(), ...args], {
          env: { PATH: process.env.PATH ?? '', DATABASE_PATH: db, ...env },
          encoding: 'utf8',
          timeout: 30_000,
        });
        return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
      };
      await fn(run, db);
    } finally {
      await h.close();
    }
  }
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('names what it backed up', async () => {
    await withBackupCli((run, db) => {
      const taken = join(dir, 'named.db');
      const first = run(['--out', taken]);
      expect(first.status).toBe(0);
      expect(first.out).toMatch(
        new RegExp(
          `^Backed up ${escaped(db)} to ${escaped(taken)}: schema version \\d+, 1 cases, 0 reminders pending, \\d+ bytes in \\d+\\.\\d\\d s$`,
        ),
      );
    });
  });

  it('refuses to overwrite a file', async () => {
    await withBackupCli((run) => {
      const taken = join(dir, 'one.db');
      expect(run(['--out', taken]).status).toBe(0);
      writeFileSync(join(dir, 'precious.db'), 'not a backup');
      expect(run(['--out', join(dir, 'precious.db')])).toEqual({
        status: 1,
        out: `amends backup: ${join(dir, 'precious.db')} already exists: refusing to overwrite it; give another --out`,
      });
      expect(run(['--out', taken]).status).toBe(1);
    });
  });

  it('asks for the file to write when given none', async () => {
    await withBackupCli((run) => {
      expect(run([]).out).toBe('amends backup: Give the file to write: --out ./backups/amends.db');
    });
  });

  it('refuses PostgreSQL with a pointer to pg_dump, writing nothing', async () => {
    await withBackupCli((run) => {
      expect(run(['--out', join(dir, 'x.db')], { DATABASE_URL: 'postgres://h/db' }).out).toMatch(
        /^amends backup: DATABASE_URL is set: back PostgreSQL up with pg_dump/,
      );
      expect(existsSync(join(dir, 'x.db'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    });
  });

  it('a backup taken while a burst of clicks runs restores whole, posting nothing twice', async () => {
    const h = await startHarness({ engine: 'sqlite', boundMs: 30_000 });
    let restored: Amends | undefined;
    try {
      const opened: Opened[] = [];
      for (let i = 0; i < 20; i++) opened.push(await openCase(h, `Client ${i}: wrong pallets`));
      // Own-up is due: each case's nudge is planned (pending, not sent: no tick runs until the restore).
      h.clock.set('2026-11-23T12:30:00Z');
      await h.amends.reminders.plan(h.clock.now());
      const pendingBefore = (
        await h.amends.store.conn.all<{ id: number }>(
          `SELECT id FROM reminders WHERE status = 'pending'`,
        )
      ).length;
      expect(pendingBefore).toBe(20);

      // The burst: lanes clicking "done" on the cases' steps, and two opening cases until the backup
      // process has finished; the backup starts once ten clicks are in.
      const out = join(dir, 'burst.db');
      const clicks = opened.flatMap((o) => doneSteps(o.parent).map((step) => ({ o, step })));
      expect(clicks.length).toBeGreaterThanOrEqual(40);
      let next = 0;
      let clicked = 0;
      let tenIn: () => void = () => {};
      const ten = new Promise<void>((r) => {
        tenIn = r;
      });
      let finished = false;
      const lane = async () => {
        for (let c = clicks[next++]; c; c = clicks[next++]) {
          expect((await press(h, c.o.parent, ACTION.done, { step: c.step })).status).toBe(200);
          if (++clicked === 10) tenIn();
        }
      };
      let opening = 0;
      const opener = async () => {
        do {
          expect((await command(h, `Burst ${opening++}: late invoice`)).status).toBe(200);
        } while (!finished);
      };
      const lanes = [lane(), lane(), lane(), opener(), opener()];
      await ten;
      const backup = spawn(process.execPath, [backupCli(), '--out', out], {
        env: { PATH: process.env.PATH ?? '', DATABASE_PATH: join(h.dir, 'amends.db') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let said = '';
      backup.stdout.on('data', (d: Buffer) => {
        said += d.toString();
      });
      backup.stderr.on('data', (d: Buffer) => {
        said += d.toString();
      });
      const exited = new Promise<number | null>((r) =>
        backup.once('exit', (code) => {
          finished = true;
          r(code);
        }),
      );
      const [code] = await Promise.all([exited, ...lanes]);
      expect(code, said).toBe(0);
      expect(said).toMatch(/^Backed up .* reminders pending, \d+ bytes in/);
      expect(clicked).toBe(clicks.length);

      // The copy is one commit's state: each case whole (its steps, its events, its done steps
      // matching its step_done events), its pending reminders those planned.
      const copy = new Database(out, { readonly: true });
      let copied: {
        id: number;
        version: number;
        done: number;
        doneEvents: number;
        steps: number;
      }[];
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        copied = copy
          .prepare(
            `SELECT c.id, c.version,
               (SELECT COUNT(*) FROM steps s WHERE s.case_id = c.id AND s.status = 'done') AS done,
               (SELECT COUNT(*) FROM events e WHERE e.case_id = c.id AND e.type = 'step_done') AS doneEvents,
               (SELECT COUNT(*) FROM steps s WHERE s.case_id = c.id) AS steps
             FROM cases c ORDER BY c.id`,
          )
          .all() as typeof copied;
        expect(
          (
            copy.prepare(`SELECT COUNT(*) AS n FROM reminders WHERE status = 'pending'`).get() as {
              n: number;
            }
          ).n,
        ).toBe(pendingBefore);
      } finally {
        copy.close();
      }
      // Taken mid-burst: cases the burst opened are in it (and the ones after the snapshot are not:
      // a restore brings back the database as of the backup).
      expect(copied.length).toBeGreaterThan(20);
      for (const c of copied) {
        expect(c.steps, `case ${c.id}`).toBe(opened[0]?.c.steps.length);
        expect(c.done, `case ${c.id}`).toBe(c.doneEvents);
      }

      // Restore as the README says: stop the bot, put the copy in place alone, start.
      await h.amends.stop();
      const home = mkdtempSync(join(dir, 'restored-'));
      copyFileSync(out, join(home, 'amends.db'));
      const logs: string[] = [];
      restored = await composeAmends({
        config: testConfig({
          databasePath: join(home, 'amends.db'),
          slackApiUrl: h.fake.url,
          signingSecret: h.secret,
        }),
        clock: h.clock,
        logger: loggerFromLog((msg) => void logs.push(msg)),
        processBeforeResponse: true,
        pacer: new FakePacer(),
        host: '127.0.0.1',
        botUserId: h.fake.botUserId,
        botId: h.fake.botId,
      });
      await restored.start();
      await restored.reminders.reconcile();
      await restored.sweep('start');
      const report = await restored.reminders.tick();
      expect(report.sent).toBe(pendingBefore);

      // Every case of the copy, as the copy has it.
      for (const c of copied) {
        const now = await restored.caseRepo.get(TEAM, c.id);
        expect(now?.version, `case ${c.id}`).toBe(c.version);
        expect(now?.steps.filter((s) => s.status === 'done').length).toBe(c.done);
      }
      // Each nudge once, and no post of a case, first reply, line or reminder twice.
      const keys = postKeys(h);
      expect(keys.filter((k) => k.startsWith('amends_reminder:'))).toHaveLength(pendingBefore);
      expect(keys.length - new Set(keys).size).toBe(0);
    } finally {
      await restored?.stop();
      await h.close();
    }
  });
});
