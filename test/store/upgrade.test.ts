/**
 * An upgrade from the oldest schema this release supports: test/fixtures/upgrade/amends-v2.db was
 * written by Amends' first build (commit 221a12a, schema version 2; test/fixtures/upgrade/make-v2.mjs
 * says how), and amends-v2.json lists what it held. Every case must read back the same after
 * `npm run migrate`, and the bot started on it posts what was never shown, once.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import type { CaseRepo } from '../../src/store/caseRepo.js';
import { SCHEMA_VERSION, sqliteVersion } from '../../src/store/db.js';
import { openStore } from '../../src/store/index.js';
import { checkMigrate, runMigrate } from '../../src/store/migrateCli.js';
import { CHANNEL, startHarness } from '../helpers/harness.js';
import { describePostgres, freshPgDatabase } from '../helpers/postgres.js';
import { parents } from '../helpers/slack.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/upgrade/amends-v2.db');
const held = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/upgrade/amends-v2.json'), 'utf8'),
) as {
  schemaVersion: number;
  cases: {
    teamId: string;
    id: number;
    client: string;
    status: string;
    messageTs: string | null;
    steps: Record<string, string>;
    events: string[];
  }[];
  reminders: { case_id: number; step_key: string; kind: string; status: string }[];
};

const dir = mkdtempSync(join(tmpdir(), 'amends-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the fixture (the committed file is never written). */
function copy(name: string): string {
  const to = join(dir, name);
  copyFileSync(FIXTURE, to);
  return to;
}

describe('upgrade from schema version 2 (the first build’s database)', () => {
  it('the fixture is what the first build wrote: version 2, four cases', () => {
    const db = new Database(FIXTURE, { readonly: true, fileMustExist: true });
    try {
      expect(sqliteVersion(db)).toBe(2);
      expect(held.schemaVersion).toBe(2);
      expect(db.prepare('SELECT COUNT(*) AS n FROM cases').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });

  it('migrate --check reports the old database behind, without migrating it', async () => {
    const path = copy('check.db');
    const env = { DATABASE_PATH: path };
    const behind = {
      code: 1,
      line: `${path} is at schema version 2, behind this build's ${SCHEMA_VERSION}: run npm run migrate`,
    };
    expect(await checkMigrate(env)).toEqual(behind);
    expect(await checkMigrate(env)).toEqual(behind);
  });

  it('migrate brings the old database to this build’s version', async () => {
    const path = copy('migrate.db');
    const env = { DATABASE_PATH: path };
    expect(await runMigrate(env)).toBe(
      `Migrated ${path} from schema version 2 to ${SCHEMA_VERSION}`,
    );
    expect(await checkMigrate(env)).toEqual({
      code: 0,
      line: `${path} is at schema version ${SCHEMA_VERSION}, this build's`,
    });
  });

  it('migrate again on the migrated database changes nothing', async () => {
    const path = copy('migrate-again.db');
    const env = { DATABASE_PATH: path };
    await runMigrate(env);
    expect(await runMigrate(env)).toBe(
      `${path} is at schema version ${SCHEMA_VERSION}, this build's (${SCHEMA_VERSION})`,
    );
  });

  it('every record (cases, steps, events, reminders) reads back as the first build left it', async () => {
    const path = copy('cases.db');
    await runMigrate({ DATABASE_PATH: path });
    const store = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
    try {
      for (const want of held.cases) {
        const c = await store.repos.cases.get(want.teamId, want.id);
        expect(c, `case ${want.id}`).not.toBeNull();
        if (!c) continue;
        expect({ client: c.client, status: c.status, messageTs: c.messageTs }).toEqual({
          client: want.client,
          status: want.status,
          messageTs: want.messageTs,
        });
        expect(Object.fromEntries(c.steps.map((s) => [s.key, s.status]))).toEqual(
          expect.objectContaining(want.steps),
        );
        expect(
          (await (store.repos.cases as CaseRepo).events(want.teamId, want.id)).map((e) => e.type),
        ).toEqual(want.events);
        // Another workspace never sees it.
        const other = want.teamId === 'T0AMENDS1' ? 'T0OTHER01' : 'T0AMENDS1';
        expect(await store.repos.cases.get(other, want.id)).toBeNull();
      }
      const acme = await store.repos.cases.get('T0AMENDS1', 1);
      expect(acme?.steps.find((s) => s.key === 'own_up')?.note).toBe('called Gianni');
      const snoozed = await store.repos.cases.get('T0OTHER01', 4);
      expect(snoozed?.steps.find((s) => s.key === 'own_up')?.snoozedUntil?.toISOString()).toBe(
        '2026-11-05T08:00:00.000Z',
      );
      const reminders = (
        await Promise.all(held.cases.map((c) => store.repos.reminders.forCase(c.teamId, c.id)))
      )
        .flat()
        .map((r) => ({ case_id: r.caseId, step_key: r.stepKey, kind: r.kind, status: r.status }));
      expect(reminders).toEqual(held.reminders);
    } finally {
      await store.close();
    }
  });

  it('the bot started on it posts the case that was never shown, once', async () => {
    const bot = mkdtempSync(join(dir, 'bot-'));
    copyFileSync(FIXTURE, join(bot, 'amends.db'));
    const h = await startHarness({ dir: bot, engine: 'sqlite' });
    try {
      expect((await h.amends.publishPending()).posted).toBe(1);
      expect((await h.amends.publishPending()).posted).toBe(0);
      expect(parents(h, CHANNEL).map((m) => m.text)).toEqual([expect.stringContaining('Globex')]);
    } finally {
      await h.close();
    }
  });
});

describePostgres('the migrate command on PostgreSQL', () => {
  /** A fresh PostgreSQL database, its env and the name the lines give it, dropped after fn. */
  const onEmpty = async (
    fn: (env: { DATABASE_URL: string }, name: string) => Promise<void>,
  ): Promise<void> => {
    const db = await freshPgDatabase();
    try {
      await fn({ DATABASE_URL: db.url }, `postgres://${new URL(db.url).host}/${db.name}`);
    } finally {
      await db.drop();
    }
  };

  it('migrate --check says an empty database is behind', () =>
    onEmpty(async (env, name) => {
      expect(await checkMigrate(env)).toEqual({
        code: 1,
        line: `${name} is at schema version 0, behind this build's ${SCHEMA_VERSION}: run npm run migrate`,
      });
    }));

  it('migrate brings an empty database to this build, which --check then accepts', () =>
    onEmpty(async (env, name) => {
      expect(await runMigrate(env)).toBe(`Created ${name} at schema version ${SCHEMA_VERSION}`);
      expect(await checkMigrate(env)).toMatchObject({ code: 0 });
    }));
});
