/**
 * What one case's commit costs with synchronous=FULL (as src/store/db.ts sets it) and with NORMAL,
 * and on PostgreSQL when given one: an Amends built by composeAmends on each (two temporary SQLite
 * databases, one of them switched to NORMAL; a fresh PostgreSQL database), and `cases.open` (the
 * domain's openCase and CaseRepo.insert: a transaction on SQLite, one statement on PostgreSQL) timed alternately on each, so all see
 * the same disk at the same moments. Run in its own process (forked by bench/run.ts); sends one
 * {type:'result'} over IPC, then exits.
 */
import { join } from 'node:path';
import { type Amends, composeAmends } from '../src/compose.js';
import { configWith } from '../src/config.js';
import { systemClock } from '../src/domain/clock.js';
import { loggerFromLog } from '../src/log.js';
import {
  BOT_TOKEN,
  type ChildFailed,
  channelId,
  median,
  percentile,
  reportFailure,
  SECRET,
  TEAM,
  userId,
} from './lib/common.js';

export interface CommitArgs {
  readonly dir: string;
  /** Timed commits per mode (after a warm-up of a tenth as many). */
  readonly commits: number;
  /** An empty PostgreSQL database: its commits are timed too (mode POSTGRES). */
  readonly databaseUrl?: string;
}

export interface CommitFigure {
  /** SQLite with synchronous=FULL or NORMAL, or PostgreSQL (synchronous_commit as the server has it). */
  readonly mode: 'FULL' | 'NORMAL' | 'POSTGRES';
  readonly commits: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export type FromCommit = { type: 'result'; ok: true; figures: CommitFigure[] } | ChildFailed;

const args = JSON.parse(process.argv[2] ?? '{}') as CommitArgs;
const MODES: CommitFigure['mode'][] = [
  'FULL',
  'NORMAL',
  ...(args.databaseUrl ? ['POSTGRES' as const] : []),
];

async function build(mode: CommitFigure['mode']): Promise<Amends> {
  const config = configWith({
    mode: 'http',
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    databasePath: join(args.dir, `commit-${mode.toLowerCase()}.db`),
    databaseUrl: mode === 'POSTGRES' ? (args.databaseUrl ?? null) : null,
    slackApiUrl: 'http://127.0.0.1:9/api/',
    logLevel: 'warn',
  });
  const amends = await composeAmends({
    config,
    clock: systemClock,
    logger: loggerFromLog(() => {}),
  });
  if (mode === 'POSTGRES') return amends;
  // The bot's own SQLite connection (synchronous is a setting of the connection).
  const sqlite = amends.store.sqlite;
  if (!sqlite) throw new Error(`the ${mode} commit is SQLite's`);
  sqlite.pragma(`synchronous = ${mode}`);
  return amends;
}

async function main(): Promise<CommitFigure[]> {
  const apps: Amends[] = [];
  const times: number[][] = MODES.map(() => []);
  let n = 0;
  const open = (a: Amends) =>
    a.cases.open({
      teamId: TEAM,
      channelId: channelId(n % 50),
      creatorId: userId(n % 20),
      client: `Commit ${n}`,
      summary: 'late delivery of the spring order',
      requestKey: `commit:${++n}`,
    });
  try {
    for (const mode of MODES) apps.push(await build(mode));
    const warm = Math.max(10, Math.round(args.commits / 10));
    for (let i = 0; i < warm; i++) for (const a of apps) await open(a);
    for (let i = 0; i < args.commits; i++)
      for (const [m, a] of apps.entries()) {
        const t0 = performance.now();
        await open(a);
        times[m]?.push(performance.now() - t0);
      }
  } finally {
    for (const a of apps) await a.stop();
  }
  return MODES.map((mode, m) => {
    const sorted = Float64Array.from(times[m] ?? []).sort();
    return {
      mode,
      commits: sorted.length,
      medianMs: median([...sorted]),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    };
  });
}

try {
  process.send?.({ type: 'result', ok: true, figures: await main() } satisfies FromCommit);
} catch (e) {
  reportFailure(e);
} finally {
  process.disconnect?.();
}
