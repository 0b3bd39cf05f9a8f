/**
 * A process that opens (creates and migrates) the database at env DB when told to go, for the
 * test of processes starting together; it reports the schema version it found, or its error.
 */
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { SCHEMA_VERSION } from '../../src/store/db.js';
import { openStore } from '../../src/store/index.js';

process.on('message', async () => {
  try {
    const store = await openStore({ path: process.env.DB as string, playbook: DEFAULT_PLAYBOOK });
    const version = await store.ops.schemaVersion();
    await store.close();
    process.send?.({ ok: version === SCHEMA_VERSION, version });
  } catch (e) {
    process.send?.({ ok: false, error: String(e) });
  }
  process.disconnect();
});
process.send?.('ready');
