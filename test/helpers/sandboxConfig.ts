import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';

/** A sandbox-mode Config on a temporary database, built directly like the harness does. */
export function sandboxConfig(dir: string): Config {
  return {
    mode: 'sandbox',
    botToken: null,
    signingSecret: null,
    appToken: null,
    port: 0,
    databasePath: join(dir, 'data', 'sandbox.db'),
    slackApiUrl: null,
    playbook: DEFAULT_PLAYBOOK,
    playbookPath: null,
    reminderCron: '* * * * *',
    defaultTz: 'UTC',
    defaultLang: 'en',
    logLevel: 'error',
  };
}

/** Monday 09:30 in New York (the default sandbox user's zone): a working morning. */
export const MONDAY_MORNING = new Date('2026-11-23T14:30:00Z');
