import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import type { UserDirectory, UserFacts } from '../../src/services/ports.js';
import { ProfileService } from '../../src/services/profiles.js';
import { openDatabase } from '../../src/store/db.js';
import { type Store, sqliteStore } from '../../src/store/index.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amends-profiles-'));
  store = sqliteStore(openDatabase(join(dir, 'a.db')), DEFAULT_PLAYBOOK);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-23T08:00:00Z');
const ROME: UserFacts = { tz: 'Europe/Rome', locale: 'it-IT', name: 'Maria' };

function service(directory: UserDirectory) {
  return new ProfileService({
    repo: store.repos.profiles,
    directory,
    defaultTz: 'UTC',
    defaultLang: 'en',
    ttlMs: 3_600_000,
    maxWaitMs: 30,
  });
}

describe('ProfileService', () => {
  it('asks Slack once, then answers from the cache until it expires', async () => {
    let calls = 0;
    const s = service({
      lookup: async () => {
        calls++;
        return ROME;
      },
    });
    expect(await s.resolve('T1', 'U1', NOW)).toEqual({ tz: 'Europe/Rome', lang: 'it' });
    expect(await s.resolve('T1', 'U1', new Date(NOW.getTime() + 60_000))).toEqual({
      tz: 'Europe/Rome',
      lang: 'it',
    });
    expect(calls).toBe(1);
    await s.resolve('T1', 'U1', new Date(NOW.getTime() + 2 * 3_600_000));
    expect(calls).toBe(2);
  });

  it('does not wait on a slow Slack: the defaults now, the answer cached when it comes', async () => {
    let answer: (f: UserFacts) => void = () => {};
    let asked: Promise<UserFacts> = Promise.resolve(ROME);
    const s = service({
      lookup: () => {
        asked = new Promise<UserFacts>((r) => (answer = r));
        return asked;
      },
    });
    // Slack never answers before resolve() does: the defaults, after the service's own wait.
    expect(await s.resolve('T1', 'U1', NOW)).toEqual({ tz: 'UTC', lang: 'en' });
    answer(ROME);
    await asked;
    await new Promise((r) => setImmediate(r)); // the cache write chained on the answer
    expect(await s.cachedOrDefault('T1', 'U1')).toEqual({ tz: 'Europe/Rome', lang: 'it' });
  });

  it('an unreachable Slack falls back to a stale answer, else the defaults', async () => {
    const ok = service({ lookup: async () => ROME });
    await ok.resolve('T1', 'U1', NOW);
    const down = service({ lookup: async () => Promise.reject(new Error('request_error')) });
    expect(await down.resolve('T1', 'U1', new Date(NOW.getTime() + 5 * 3_600_000))).toEqual({
      tz: 'Europe/Rome',
      lang: 'it',
    });
    expect(await down.resolve('T1', 'U2', NOW)).toEqual({ tz: 'UTC', lang: 'en' });
  });
});
