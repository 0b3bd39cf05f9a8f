import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import { loggerFromLog } from '../../src/log.js';
import { startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { testConfig } from '../helpers/config.js';
import { TEAM, USERS } from '../helpers/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'amends-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHANNELS = 8;
const PER_CHANNEL = 3;

function child(env: Record<string, string>) {
  return fork(join(import.meta.dirname, '../helpers/reminderChild.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

describe('crash in the middle of a batch', () => {
  it('a bot killed with SIGKILL after claiming, before recording: the restarted bot posts every due reminder exactly once', async () => {
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    // Slack answers slowly, so the kill lands while posts are in flight and others wait for pacing.
    const fake = await startFakeSlack({
      users: USERS,
      teamId: TEAM,
      now: () => clock.now(),
      latencyMs: 300,
    });
    const db = join(dir, 'amends.db');
    try {
      const config = testConfig({ databasePath: db, slackApiUrl: fake.url });
      const seed = await composeAmends({
        config,
        clock,
        logger: loggerFromLog(() => {}),
        botUserId: fake.botUserId,
        botId: fake.botId,
      });
      for (let ch = 0; ch < CHANNELS; ch++) {
        for (let i = 0; i < PER_CHANNEL; i++) {
          const stored = await seed.cases.open({
            teamId: TEAM,
            channelId: `C0CRASH${ch}`,
            creatorId: 'U0MARIA01',
            client: `Client ${ch}-${i}`,
            summary: 'late delivery',
            requestKey: `seed-${ch}-${i}`,
          });
          // as after the ack: the owner's zone (Rome) from Slack
          const c = await seed.cases.adoptProfiles(stored);
          const res = await seed.client.chat.postMessage({ channel: c.channelId, text: 'case' });
          await seed.cases.attachMessage(c, res.ts as string);
        }
      }
      await seed.stop();
      const due = '2026-11-23T12:30:00Z';
      const expected = CHANNELS * PER_CHANNEL;
      const reminderCalls = () =>
        fake
          .callsTo('chat.postMessage')
          .filter((c) => String(JSON.stringify(c.args.metadata ?? '')).includes('amends_reminder'));

      // First bot: killed once the first posts of the batch have reached Slack but before any answer came back.
      const first = child({ DB: db, SLACK_API_URL: fake.url, NOW: due });
      await new Promise<void>((resolve) => {
        const check = () => {
          if (reminderCalls().length < CHANNELS) return;
          fake.off('call', check);
          resolve();
        };
        fake.on('call', check);
      });
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      await fake.idle(); // Slack finishes the posts it received
      const postedBeforeCrash = fake.messages.filter(
        (m) => m.metadata?.event_type === 'amends_reminder',
      ).length;
      expect(postedBeforeCrash).toBeGreaterThan(0);
      expect(postedBeforeCrash).toBeLessThan(expected);

      // Second bot: settles the dead claims from the threads, then posts what is still missing.
      // ...two minutes later: the dead bot's claims have outlived their lease (90 s).
      const later = new Date(Date.parse(due) + 120_000).toISOString();
      const second = child({ DB: db, SLACK_API_URL: fake.url, NOW: later });
      const result = await new Promise<{ settled: { found: number; requeued: number } }>(
        (resolve, reject) => {
          second.on('message', (m: { settled?: { found: number; requeued: number } }) => {
            if (m.settled) resolve(m as { settled: { found: number; requeued: number } });
          });
          second.once('exit', (code) =>
            code ? reject(new Error(`child exited ${code}`)) : undefined,
          );
        },
      );
      await new Promise((r) => second.once('exit', r));
      expect(result.settled.found).toBe(postedBeforeCrash);

      const keys = fake.messages
        .filter((m) => m.metadata?.event_type === 'amends_reminder')
        .map((m) => String(m.metadata?.event_payload.key));
      expect(keys).toHaveLength(expected);
      expect(new Set(keys).size).toBe(expected);
    } finally {
      await fake.close();
    }
  }, 60_000);
});
