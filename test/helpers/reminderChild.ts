/**
 * A bot process for the crash test: composes the real app on the given database and fake Web API,
 * settles claims left by a dead process, runs one reminder tick, reports, and exits.
 * env: DB, SLACK_API_URL, NOW (ISO instant)
 */
import { composeAmends } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';

const config: Config = {
  mode: 'http',
  botToken: 'xoxb-crash-test',
  signingSecret: 'crash-test-secret',
  appToken: null,
  port: 0,
  databasePath: process.env.DB as string,
  slackApiUrl: process.env.SLACK_API_URL as string,
  playbook: DEFAULT_PLAYBOOK,
  playbookPath: null,
  reminderCron: '* * * * *',
  defaultTz: 'UTC',
  defaultLang: 'en',
  logLevel: 'error',
};
const clock = new ManualClock(process.env.NOW as string);
const amends = composeAmends({
  config,
  clock,
  log: () => {},
  botUserId: 'UFAKEBOT01',
  botId: 'BFAKEBOT01',
});
process.send?.({ ready: true });
const settled = await amends.reminders.reconcile();
const report = await amends.reminders.tick();
process.send?.({ settled, report });
await amends.stop();
process.exit(0);
