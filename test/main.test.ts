import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { openDatabase, SCHEMA_VERSION } from '../src/store/db.js';
import { buildBundle } from './helpers/bundle.js';
import { TEAM } from './helpers/harness.js';
import { fileAtSchemaVersion, schemaVersionOfFile } from './store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'amends-main-'));
const bundle = buildBundle();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  bundle.remove();
});

/**
 * Runs the real entry point (the bundle `npm start` runs) with only the given environment (no
 * inherited SLACK_* variables).
 */
function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bundle.main], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_PATH: join(dir, 'a.db'),
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  return { status: r.status, lines };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/** The bundle in HTTP mode, started in the background: its output, and its exit code once it ends. */
function startHttp(o: { db: string; slackApiUrl: string; port: number }) {
  const proc = spawn(process.execPath, [bundle.main], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_PATH: join(dir, o.db),
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: o.slackApiUrl,
      PORT: String(o.port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out, exited };
}

describe('start-up', () => {
  it('with a token but no route to Slack: exit 1, with one line saying what to check', () => {
    const r = start({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /^amends: Cannot reach Slack at http:\/\/127\.0\.0\.1:9\/api\/ .*SLACK_API_URL/,
    );
  });

  it('inconsistent settings: exit 1, with one line per problem naming what to set', () => {
    const r = start({ SLACK_BOT_TOKEN: 'xoxb-test', PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      'amends: Set SLACK_SIGNING_SECRET for HTTP mode: from your Slack app’s Basic Information page',
      'amends: PORT must be a port number 1-65535 (got "eighty")',
    ]);
  });

  it('SIGTERM while Slack has not answered yet: a clean exit at once, not a failure after the retries', async () => {
    // A Slack that takes the request and never answers (checkSlack would retry for ~16 s).
    let arrived: () => void = () => {};
    const asked = new Promise<void>((r) => {
      arrived = r;
    });
    const hanging: Server = createServer(() => arrived());
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const { port } = hanging.address() as { port: number };
    const bot = startHttp({
      db: 'term.db',
      slackApiUrl: `http://127.0.0.1:${port}/api/`,
      port: await freePort(),
    });
    try {
      await asked; // auth.test is on its way: the start-up is waiting for Slack
      bot.proc.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    } finally {
      hanging.closeAllConnections();
      await new Promise((r) => hanging.close(r));
    }
    expect(bot.out.stdout).toContain('stopped during start-up: nothing had started');
    expect(bot.out.stdout + bot.out.stderr).not.toContain('shutdown failed');
  });

  it('a port already in use: exit 1, with one line saying to set PORT', async () => {
    const fake = await startFakeSlack({ users: [], teamId: TEAM });
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, r));
    const { port } = busy.address() as { port: number };
    try {
      const bot = startHttp({ db: 'busy.db', slackApiUrl: fake.url, port });
      expect(await bot.exited).toBe(1);
      expect(bot.out.stderr.trim()).toBe(
        `amends: port ${port} is already in use: set PORT to another port`,
      );
    } finally {
      await new Promise((r) => busy.close(r));
      await fake.close();
    }
  });
});

describe('schema versions, at start-up as in `npm run migrate`', () => {
  /** A SQLite file at `version` (a real schema, then its version moved as a newer build would). */
  function dbAt(name: string, version: number): string {
    const path = join(dir, name);
    openDatabase(path).close(); // a real schema, at this build's version
    fileAtSchemaVersion(path, version);
    return path;
  }
  const migrateCli = () => join(bundle.dir, 'store', 'migrateCli.js');
  const run = (args: string[], env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [migrateCli(), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return {
      status: r.status,
      lines: `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim()),
    };
  };

  it('a database newer than this build: the bot refuses it in one line, exit 1, the file untouched', async () => {
    const fake = await startFakeSlack({ users: [], teamId: TEAM });
    const path = dbAt('newer.db', SCHEMA_VERSION + 1);
    try {
      const bot = startHttp({ db: 'newer.db', slackApiUrl: fake.url, port: await freePort() });
      expect(await bot.exited).toBe(1);
      const lines = `${bot.out.stdout}${bot.out.stderr}`.split('\n').filter((l) => l.trim());
      expect(lines).toEqual([
        `amends: database schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
      ]);
    } finally {
      await fake.close();
    }
    expect(schemaVersionOfFile(path)).toBe(SCHEMA_VERSION + 1);
  });

  it('migrate --check on a current database: exit 0, with one line', () => {
    const current = dbAt('current.db', SCHEMA_VERSION);
    expect(run(['--check'], { DATABASE_PATH: current })).toEqual({
      status: 0,
      lines: [`${current} is at schema version ${SCHEMA_VERSION}, this build's`],
    });
  });

  it('migrate --check on a database behind: exit 1, with one line', () => {
    const behind = dbAt('behind.db', SCHEMA_VERSION - 1);
    expect(run(['--check'], { DATABASE_PATH: behind })).toEqual({
      status: 1,
      lines: [
        `${behind} is at schema version ${SCHEMA_VERSION - 1}, behind this build's ${SCHEMA_VERSION}: run npm run migrate`,
      ],
    });
  });

  it('migrate --check on a missing database: exit 1, with one line, creating nothing', () => {
    const missing = join(dir, 'missing.db');
    expect(run(['--check'], { DATABASE_PATH: missing })).toEqual({
      status: 1,
      lines: [
        `${missing} does not exist yet: npm run migrate creates it at schema version ${SCHEMA_VERSION}`,
      ],
    });
    expect(existsSync(missing)).toBe(false);
  });

  it('migrate --check on a newer database: exit 2', () => {
    const newer = dbAt('newer2.db', SCHEMA_VERSION + 1);
    expect(run(['--check'], { DATABASE_PATH: newer }).status).toBe(2);
  });

  it('migrate with an option it does not know: exit 64, naming --check', () => {
    const newer = dbAt('newer3.db', SCHEMA_VERSION + 1);
    expect(run(['--frobnicate'], { DATABASE_PATH: newer })).toMatchObject({
      status: 64,
      lines: [expect.stringMatching(/^amends migrate: .*--frobnicate.*the only option is --check/)],
    });
  });

  it('migrate on a newer database is refused in one line', () => {
    const newer = dbAt('newer4.db', SCHEMA_VERSION + 1);
    expect(run([], { DATABASE_PATH: newer })).toEqual({
      status: 1,
      lines: [
        `amends migrate: database schema version ${SCHEMA_VERSION + 1} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
      ],
    });
  });
});
