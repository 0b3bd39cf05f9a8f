/**
 * `npm run keys:rewrap` finishes a key change: the tokens an old key sealed are sealed again with
 * the new one, so the old key can leave the setting. runRewrap is called on a temp SQLite file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { runRewrap } from '../src/rewrapCli.js';
import { openStore } from '../src/store/index.js';
import { InstallationRepo } from '../src/store/installationRepo.js';
import { TokenCipher } from '../src/store/tokenCipher.js';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const b64 = (k: Buffer) => k.toString('base64');

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amends-rewrap-'));
  path = join(dir, 'amends.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Installs two workspaces, their tokens sealed with `key`. */
async function installWith(key: Buffer): Promise<void> {
  const store = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
  const repo = new InstallationRepo(store.conn, new TokenCipher([key]));
  for (const team of ['T0AAA0001', 'T0BBB0001'])
    await repo.save(
      {
        enterpriseId: null,
        teamId: team,
        isEnterpriseInstall: false,
        userId: 'U1',
        installation: { bot: { token: `xoxb-${team}` } },
      },
      1,
    );
  await store.close();
}

/** What the installations read with only `key` (throws if one does not open). */
async function readWith(key: Buffer): Promise<unknown[]> {
  const store = await openStore({ path, playbook: DEFAULT_PLAYBOOK });
  try {
    const repo = new InstallationRepo(store.conn, new TokenCipher([key]));
    return await Promise.all(
      ['T0AAA0001', 'T0BBB0001'].map((teamId) =>
        repo.find({ teamId, enterpriseId: null, isEnterpriseInstall: false }),
      ),
    );
  } finally {
    await store.close();
  }
}

describe('keys:rewrap', () => {
  it('seals every old-key token with the new key, so the new key alone opens them', async () => {
    await installWith(OLD);
    const out = await runRewrap({
      DATABASE_PATH: path,
      AMENDS_ENCRYPTION_KEY: `${b64(NEW)},${b64(OLD)}`,
    });
    expect(out).toMatch(
      /^Sealed 4 of 4 stored token records again with key [0-9a-f]{8}; none is left/,
    );
    const read = JSON.stringify(await readWith(NEW));
    expect(read).toContain('xoxb-T0AAA0001');
    expect(read).toContain('xoxb-T0BBB0001');
  });

  it('run again, it seals nothing more', async () => {
    await installWith(OLD);
    const env = { DATABASE_PATH: path, AMENDS_ENCRYPTION_KEY: `${b64(NEW)},${b64(OLD)}` };
    await runRewrap(env);
    expect(await runRewrap(env)).toMatch(/^Sealed 0 of 4 stored token records/);
  });

  it('without the old key among the keys, it refuses, changing nothing', async () => {
    await installWith(OLD);
    await expect(
      runRewrap({ DATABASE_PATH: path, AMENDS_ENCRYPTION_KEY: b64(NEW) }),
    ).rejects.toThrow(/not among the keys given/);
    expect(JSON.stringify(await readWith(OLD))).toContain('xoxb-T0AAA0001');
  });

  it('without a key setting, it says which setting is missing', async () => {
    await expect(runRewrap({ DATABASE_PATH: path })).rejects.toThrow(/AMENDS_ENCRYPTION_KEY/);
  });

  it('without a database at the path, it says so, creating none', async () => {
    await expect(
      runRewrap({ DATABASE_PATH: join(dir, 'none.db'), AMENDS_ENCRYPTION_KEY: b64(NEW) }),
    ).rejects.toThrow(/no database at/);
  });
});
