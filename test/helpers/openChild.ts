/**
 * A process that opens (creates and migrates) the database at env DB when told to go, for the
 * test of processes starting together; it reports the schema version it found, or its error.
 */
import { openDatabase, SCHEMA_VERSION } from '../../src/store/db.js';

process.on('message', () => {
  try {
    const db = openDatabase(process.env.DB as string);
    const version = db.pragma('user_version', { simple: true });
    db.close();
    process.send?.({ ok: version === SCHEMA_VERSION, version });
  } catch (e) {
    process.send?.({ ok: false, error: String(e) });
  }
  process.disconnect();
});
process.send?.('ready');
