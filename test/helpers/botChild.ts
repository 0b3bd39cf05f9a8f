/**
 * A second bot process for the tests of processes sharing one database (see otherProcess.ts):
 * composes the real app on the database at env DB and the fake Web API at env SLACK_API_URL, as
 * `HOLDER`, and runs what the test asks for over IPC, its clock set to the test's first.
 * It never listens for HTTP: it is the part of a bot that sweeps, ticks and writes cases.
 * env: DB, SLACK_API_URL, SECRET, HOLDER, BOT_USER_ID, BOT_ID, NOW (ISO instant)
 */
import { composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { StepKey } from '../../src/domain/playbook.js';
import { loggerFromLog } from '../../src/log.js';
import { testConfig } from './config.js';
import type { ChildCall, ChildReply } from './otherProcess.js';

const env = process.env as Record<string, string>;
const clock = new ManualClock(env.NOW as string);
const amends = await composeAmends({
  config: testConfig({
    databasePath: env.DB as string,
    slackApiUrl: env.SLACK_API_URL as string,
    signingSecret: env.SECRET as string,
  }),
  clock,
  logger: loggerFromLog(() => {}),
  host: '127.0.0.1',
  botUserId: env.BOT_USER_ID as string,
  botId: env.BOT_ID as string,
  holder: env.HOLDER as string,
});

async function run(m: ChildCall): Promise<unknown> {
  switch (m.op) {
    // (an option object left out arrives as null: IPC speaks JSON)
    case 'publishPending':
      return amends.publishPending(m.args[0] ?? undefined);
    case 'deliverPendingLines':
      return amends.deliverPendingLines(m.args[0] ?? undefined);
    case 'settleShown':
      return amends.settleShown(m.args[0] ?? undefined);
    case 'tick':
      return amends.reminders.tick();
    case 'reconcile':
      return amends.reminders.reconcile();
    case 'complete': {
      const [teamId, caseId, key, actor, version] = m.args;
      const ch = await amends.cases.complete({ teamId, caseId, actor }, key as StepKey, version);
      return { version: ch.case.version };
    }
    case 'refresh': {
      const [teamId, caseId] = m.args;
      await amends.presenter.refresh(await amends.cases.get(teamId, caseId));
      return null;
    }
    case 'stop':
      await amends.stop();
      return null;
  }
}

process.on('message', (m: ChildCall) => {
  clock.set(m.now);
  void run(m).then(
    (value) =>
      process.send?.({ id: m.id, ok: true, value } satisfies ChildReply, () => {
        if (m.op === 'stop') process.exit(0);
      }),
    (e: unknown) =>
      process.send?.({
        id: m.id,
        ok: false,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      } satisfies ChildReply),
  );
});
process.send?.({ id: 0, ok: true, value: 'ready' } satisfies ChildReply);
