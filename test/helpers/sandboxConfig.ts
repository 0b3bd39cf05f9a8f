import { join } from 'node:path';
import { type Config, configWith } from '../../src/config.js';

/** A sandbox-mode Config on a temporary database, built directly like the harness does. */
export function sandboxConfig(dir: string): Config {
  return configWith({
    mode: 'sandbox',
    databasePath: join(dir, 'data', 'sandbox.db'),
    logLevel: 'error',
  });
}

/** Monday 09:30 in New York (the default sandbox user's zone): a working morning. */
export const MONDAY_MORNING = new Date('2026-11-23T14:30:00Z');
