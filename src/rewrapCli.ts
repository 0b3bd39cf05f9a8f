/**
 * `npm run keys:rewrap`: finishes a key change. With AMENDS_ENCRYPTION_KEY (or its _FILE) holding
 * the new key first and the old one after it, every workspace token an older key sealed is sealed
 * again with the new one, on the database the bot uses (DATABASE_URL, else DATABASE_PATH). Safe
 * while Amends runs: each row is replaced only if no process changed it meanwhile. Once it reports
 * none left, the old key can be dropped from the setting.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tokenKeys } from './config.js';
import { DEFAULT_PLAYBOOK } from './domain/playbook.js';
import { openStore } from './store/index.js';
import { InstallationRepo } from './store/installationRepo.js';
import { TokenCipher } from './store/tokenCipher.js';

export async function runRewrap(env: NodeJS.ProcessEnv): Promise<string> {
  const cipher = new TokenCipher(tokenKeys(env));
  const path = env.DATABASE_PATH?.trim() || './data/amends.db';
  const url = env.DATABASE_URL?.trim() || null;
  if (!url && !existsSync(path))
    throw new Error(`no database at ${path} (set DATABASE_PATH or DATABASE_URL)`);
  const store = await openStore({ url, path, playbook: DEFAULT_PLAYBOOK });
  try {
    const repo = new InstallationRepo(store.conn, cipher);
    const sealed = await repo.rewrap();
    const { rows, stale } = await repo.keyUse();
    const left =
      stale === 0
        ? 'none is left under an older key: the old key can be removed from the setting'
        : `${stale} still under an older key (changed meanwhile): run the command again`;
    return `Sealed ${sealed} of ${rows} stored token records again with key ${cipher.keyId}; ${left}`;
  } finally {
    await store.close();
  }
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  runRewrap(process.env).then(
    (out) => console.log(out),
    (e: unknown) => {
      console.error(`amends keys:rewrap: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
