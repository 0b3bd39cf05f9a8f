import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from './helpers/bundle.js';

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

describe('start-up', () => {
  it('with a token but no route to Slack: one line saying what to check, and exit 1', () => {
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

  it('inconsistent settings: one line per problem naming what to set, and exit 1', () => {
    const r = start({ SLACK_BOT_TOKEN: 'xoxb-test', PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      'amends: Set SLACK_SIGNING_SECRET for HTTP mode: from your Slack app’s Basic Information page',
      'amends: PORT must be a port number 1-65535 (got "eighty")',
    ]);
  });
});
