import type { Config } from '../../src/config.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';

/** An HTTP-mode config for tests: a temp database, a fake Web API, no Slack anywhere. */
export function testConfig(
  o: { databasePath: string; slackApiUrl: string } & Partial<Config>,
): Config {
  return {
    mode: 'http',
    botToken: 'xoxb-test-token',
    signingSecret: 'test-signing-secret',
    appToken: null,
    port: 0,
    playbook: DEFAULT_PLAYBOOK,
    playbookPath: null,
    reminderCron: '* * * * *',
    defaultTz: 'UTC',
    defaultLang: 'en',
    logLevel: 'error',
    ...o,
  };
}
