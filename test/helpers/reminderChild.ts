/**
 * A bot process for the crash test: composes the real app on the given database and fake Web API,
 * settles claims left by a dead process, runs one reminder tick, reports, and exits.
 * env: DB, SLACK_API_URL, NOW (ISO instant)
 */
import { composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import { loggerFromLog } from '../../src/log.js';
import { testConfig } from './config.js';

const config = testConfig({
  databasePath: process.env.DB as string,
  slackApiUrl: process.env.SLACK_API_URL as string,
});
const clock = new ManualClock(process.env.NOW as string);
const amends = await composeAmends({
  config,
  clock,
  logger: loggerFromLog(() => {}),
  botUserId: 'UFAKEBOT01',
  botId: 'BFAKEBOT01',
});
process.send?.({ ready: true });
const settled = await amends.reminders.reconcile();
const report = await amends.reminders.tick();
process.send?.({ settled, report });
await amends.stop();
process.exit(0);
