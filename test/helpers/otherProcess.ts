/**
 * Another bot process on a harness's database and fake Slack, for the tests of processes sharing
 * one database. A real process (test/helpers/botChild.ts): two SQLite connections in one Node
 * process can't stand for two processes any more, since a unit of work holds the write lock across
 * awaits, and the other connection's wait for the lock (busy_timeout) would hold the only event
 * loop, the one that has to finish the unit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { Amends } from '../../src/compose.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Harness } from './harness.js';

/** What the test asks the other process to do (args as JSON), at the test's clock time. */
export type ChildCall = { readonly id: number; readonly now: string } & (
  | { readonly op: 'publishPending'; readonly args: Parameters<Amends['publishPending']> }
  | { readonly op: 'deliverPendingLines'; readonly args: Parameters<Amends['deliverPendingLines']> }
  | { readonly op: 'settleShown'; readonly args: Parameters<Amends['settleShown']> }
  | { readonly op: 'tick'; readonly args: [] }
  | { readonly op: 'reconcile'; readonly args: [] }
  | {
      readonly op: 'complete';
      readonly args: [
        teamId: string,
        caseId: number,
        key: string,
        actor: string,
        version: number | null,
      ];
    }
  | { readonly op: 'refresh'; readonly args: [teamId: string, caseId: number] }
  | { readonly op: 'stop'; readonly args: [] }
);

export type ChildReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The other process's bot, as far as the tests drive it. */
export interface OtherProcess {
  readonly proc: ChildProcess;
  publishPending(
    o?: Parameters<Amends['publishPending']>[0],
  ): Promise<Awaited<ReturnType<Amends['publishPending']>>>;
  deliverPendingLines(o?: Parameters<Amends['deliverPendingLines']>[0]): Promise<number>;
  settleShown(
    o?: Parameters<Amends['settleShown']>[0],
  ): Promise<Awaited<ReturnType<Amends['settleShown']>>>;
  /** One reminder tick (the report as JSON). */
  tick(): Promise<Awaited<ReturnType<Amends['reminders']['tick']>>>;
  reconcile(): Promise<Awaited<ReturnType<Amends['reminders']['reconcile']>>>;
  /** CaseService.complete in that process; the case's version after it. */
  complete(
    teamId: string,
    caseId: number,
    key: string,
    actor: string,
    version: number | null,
  ): Promise<{ version: number }>;
  /** Presenter.refresh of the case as stored. */
  refresh(teamId: string, caseId: number): Promise<void>;
  /** Stops the bot (its heartbeat says it is gone) and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a bot process on `h`'s database and fake Slack, as `holder`; resolves once it is composed
 * (its heartbeat written). Each call carries `clock`'s time (default: the harness's clock).
 */
export async function startOtherProcess(
  h: Harness,
  o: { holder?: string; clock?: Clock } = {},
): Promise<OtherProcess> {
  const clock = o.clock ?? h.clock;
  const proc = fork(join(import.meta.dirname, 'botChild.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      DB: join(h.dir, 'amends.db'),
      SLACK_API_URL: h.fake.url,
      SECRET: h.secret,
      HOLDER: o.holder ?? 'host-b:2:beef',
      BOT_USER_ID: h.fake.botUserId,
      BOT_ID: h.fake.botId,
      NOW: clock.now().toISOString(),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  void exited.then((code) => {
    for (const w of waiting.values()) w.reject(new Error(`the other process exited (${code})`));
    waiting.clear();
  });
  proc.on('message', (m: ChildReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.value);
    else w.reject(new Error(`in the other process: ${m.error}`));
  });
  const ready = new Promise<unknown>((resolve, reject) => waiting.set(0, { resolve, reject }));
  await ready;
  let next = 1;
  const call = <T>(op: ChildCall['op'], args: unknown[]): Promise<T> => {
    const id = next++;
    const done = new Promise<T>((resolve, reject) =>
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
    proc.send({ id, op, args, now: clock.now().toISOString() });
    return done;
  };
  let stopped: Promise<void> | null = null;
  return {
    proc,
    publishPending: (x) => call('publishPending', [x]),
    deliverPendingLines: (x) => call('deliverPendingLines', [x]),
    settleShown: (x) => call('settleShown', [x]),
    tick: () => call('tick', []),
    reconcile: () => call('reconcile', []),
    complete: (...args) => call('complete', args),
    refresh: (...args) => call('refresh', args),
    stop() {
      stopped ??= (async () => {
        if (proc.exitCode === null && proc.connected) await call('stop', []).catch(() => {});
        if (proc.exitCode === null) await exited;
      })();
      return stopped;
    },
  };
}
