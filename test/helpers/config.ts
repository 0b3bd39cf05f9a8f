import { type Config, configWith } from '../../src/config.js';

/** An HTTP-mode config for tests: a temp database, a fake Web API, no Slack anywhere. */
export function testConfig(
  o: { databasePath: string; slackApiUrl: string } & Partial<Config>,
): Config {
  return configWith({
    mode: 'http',
    botToken: 'xoxb-test-token',
    signingSecret: 'test-signing-secret',
    logLevel: 'error',
    ...o,
  });
}
