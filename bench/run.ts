/**
 * `npm run bench [-- --quick] [-- --profile]`: Amends against Bolt's own floor, every ratio from one
 * run on one machine. Each server runs in its own process; the fake Web API (answering in 50 ms) in
 * another; this process generates the load (signed requests on loopback).
 *   1. Ack latency at the same offered load (open loop, 20 and 100 requests/s), `/incident` and a
 *      block_actions click: Amends (commit included) against a bare Bolt app that only acks.
 *   2. Time from a `/incident` to its parent message arriving at the fake Web API: Amends against
 *      the thinnest Bolt bot that acks and posts one message.
 *   3. The commit in the ack: the 100 req/s `/incident` row with synchronous=FULL and NORMAL, and
 *      one case's commit timed alone in both modes (and on PostgreSQL). The ack target is bare
 *      Bolt's p99 plus one synced commit's p99 (FULL) plus 1 ms, all from this run.
 *   3b. PostgreSQL (when a server is there): the 100 req/s `/incident` row on one Amends backed by
 *      PostgreSQL, beside the SQLite one: ack, parent message, CPU of the bot and of the database.
 *   4. Saturation: capacity (closed loop) and CPU per request; then open loop at 1.5x Amends'
 *      capacity: the slowest answer, and how many were refused.
 *   5. The reminder path (tick cost, paced delivery), for information.
 *   6. Memory, and start-up to a ready /healthz on 10^5 cases.
 *   7. `/incident export` of 10^5 events while `/incident` keeps arriving: its time, peak memory,
 *      and the acks of the commands sent during it (p99, refused) against the same load without it.
 *   8. Restart recovery: the bot as `npm start` runs it, killed with SIGKILL while N cases wait for
 *      Slack, restarted: the time until every case has its parent and first reply, none twice. On
 *      SQLite, and on PostgreSQL (when a server is there: a fresh database, the bot's DATABASE_URL).
 *   9. PostgreSQL replicas (when a server is there): reminder delivery by 1, 2 and 4 bot processes
 *      on one database (10^5 due reminders over 1,000 channels), none twice; and the failover of a
 *      SIGKILLed replica's claims (bench/replicaBench.ts).
 * PostgreSQL: AMENDS_BENCH_DATABASE_URL, else the server at 127.0.0.1:5432 (user postgres); each
 * row on a database of its own, dropped after it. Without one those rows are skipped (one line says
 * why).
 * Prints every figure and a Targets table, writes JSON to bench-results/, removes every temporary
 * database. Exit code 0 when it ran: targets are reported (PASS/MISS), never asserted. `--profile`
 * also writes V8 CPU profiles of the servers and the reminder process to bench-results/profiles/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { copySqliteToPostgres } from '../src/store/copy.js';
import { openDatabase } from '../src/store/db.js';
import type { CommitArgs, CommitFigure, FromCommit } from './commitBench.js';
import { type ExportFigure, exportBench } from './exportBench.js';
import type { FromFake } from './fakeApi.js';
import { machine, median, percentile, SECRET, sleep } from './lib/common.js';
import {
  arrivalKeyOf,
  type BodySource,
  clickBodies,
  commandBodies,
  type FixedRateFigure,
  isBusyAck,
  type LoadFigure,
  type LoadKind,
  post,
  runFixedRate,
  runLoad,
  signedHeaders,
} from './lib/load.js';
import { type OthersLoad, watchOthers } from './lib/machineLoad.js';
import { type DeliveryFigure, pacing } from './lib/pacing.js';
import {
  type BenchDatabase,
  createDatabase,
  dropLeftDatabases,
  findBenchPostgres,
  watchBackends,
} from './lib/pg.js';
import {
  type Child,
  forkChild,
  freePort,
  killChildren,
  startFakeApi,
  waitHealthy,
} from './lib/procs.js';
import { type ClickTarget, clickTargets, seedOpenCases, seedProfiles } from './lib/seed.js';
import { type Target, table } from './lib/table.js';
import type { FromReminders, ReminderArgs, TickFigure } from './reminderBench.js';
import {
  killReplicas,
  type ReplicaFigure,
  type ReplicaSizes,
  replicaBench,
  replicaSizes,
} from './replicaBench.js';
import { printReplicas } from './replicaReport.js';
import { type RestartFigure, restartRecovery } from './restartBench.js';
import type { FromServer, ServerArgs } from './server.js';

interface Params {
  readonly requestCases: number;
  readonly channels: number;
  /** How long the fake Web API takes to answer each call. */
  readonly latencyMs: number;
  readonly startups: number;
  /** Pending own_up steps clicks complete, one each (more than a run's clicks). */
  readonly clickTargets: number;
  /** Closed loop at 10 connections on each server before each load kind's rows (JIT, caches). */
  readonly warmupSeconds: number;
  /** Each server's CPU at rest is measured this long and taken off its CPU per request. */
  readonly idleSeconds: number;
  /** The same offered load for every app (open loop), below what any of them can serve. */
  readonly rates: readonly number[];
  /** Long enough for a steady p99: at 100 req/s for 30 s its 1% is the slowest 30 requests. */
  readonly rateSeconds: number;
  readonly rateConnections: number;
  /** Closed loop: capacity is the most accepted requests/s over these connection counts. */
  readonly capacityConnections: readonly number[];
  readonly capacitySeconds: number;
  /** Open loop at this multiple of Amends' measured capacity, over a pool this large. */
  readonly overloadFactor: number;
  readonly overloadSeconds: number;
  readonly overloadConnections: number;
  /** Timed case commits per synchronous mode. */
  readonly commits: number;
  readonly tickSizes: readonly number[];
  readonly tickRuns: number;
  readonly due: number;
  readonly delivery: { reminders: number; channels: number; latencyMs: number };
  /** Simultaneous /incident commands sent at once (each on its own connection). */
  readonly bursts: readonly number[];
  /** Events in the exported workspace; /incident a second meanwhile, over this many connections. */
  readonly exportEvents: number;
  /** Cases a SIGKILLed bot leaves unshown before the restart row. */
  readonly restartCommands: number;
  readonly exportRate: number;
  /** The load with no export, then the load each export is sent into (longer than the export). */
  readonly exportUsualSeconds: number;
  readonly exportLoadSeconds: number;
  readonly exportRounds: number;
  readonly seed: number;
}

const FULL: Params = {
  requestCases: 100_000,
  channels: 50,
  latencyMs: 50,
  startups: 5,
  clickTargets: 40_000,
  warmupSeconds: 3,
  idleSeconds: 5,
  rates: [20, 100],
  rateSeconds: 30,
  rateConnections: 50,
  capacityConnections: [10, 50],
  capacitySeconds: 6,
  overloadFactor: 1.5,
  overloadSeconds: 10,
  overloadConnections: 1000,
  commits: 2000,
  tickSizes: [10_000, 100_000, 1_000_000],
  tickRuns: 11,
  due: 100,
  delivery: { reminders: 1000, channels: 50, latencyMs: 50 },
  bursts: [200, 500],
  exportEvents: 100_000,
  restartCommands: 200,
  exportRate: 20,
  exportUsualSeconds: 10,
  exportLoadSeconds: 10,
  exportRounds: 3,
  seed: 20261123,
};

/** CI: the same script at small sizes, seconds per row, so it cannot rot. Its timings mean little. */
const QUICK: Params = {
  ...FULL,
  requestCases: 2000,
  startups: 1,
  clickTargets: 2000,
  warmupSeconds: 1,
  idleSeconds: 1,
  rateSeconds: 3,
  capacitySeconds: 2,
  overloadSeconds: 3,
  commits: 200,
  tickSizes: [1000, 10_000],
  tickRuns: 3,
  delivery: { reminders: 100, channels: 20, latencyMs: 50 },
  exportEvents: 5000,
  restartCommands: 20,
  exportUsualSeconds: 2,
  exportLoadSeconds: 3,
  exportRounds: 1,
};

/** What a row ran on: the three servers, Amends with synchronous=NORMAL, and Amends on PostgreSQL. */
type Who = 'bare' | 'thin' | 'amends' | 'normal' | 'pg';
type Stats = Extract<FromServer, { type: 'stats' }>;

/** Time from sending a /incident to its parent message reaching the fake Web API. */
interface ArrivalFigure {
  readonly commands: number;
  readonly arrived: number;
  /** Commands whose parent message never came (counted as infinitely late in p99). */
  readonly missing: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

interface Cost {
  /** Server CPU time (user + system, every thread) over the row and its drain, per answered request. */
  readonly cpuMsPerRequest: number;
  /** The same with the server's CPU at rest over that time taken off. */
  readonly netCpuMsPerRequest: number;
  /** How long work after the ack (database, Web API calls) ran on once the load stopped. */
  readonly drainMs: number;
  readonly loopDelayP99: number;
  readonly gcMaxMs: number;
  /** In the server, from Node reading each request to its response written (see server.ts). */
  readonly serverP99: number;
  readonly serverMax: number;
  /** Amends' gate refusals during the row (from the server). */
  readonly gateBusy: number | null;
}

interface OpenRow extends FixedRateFigure, Cost {
  readonly who: Who;
  readonly load: LoadKind;
  readonly arrival: ArrivalFigure | null;
}

interface ClosedRow extends LoadFigure, Cost {
  readonly who: Who;
  readonly load: LoadKind;
}

/** A burst of commands sent at once: how many were refused, and the slowest answer. */
interface BurstFigure {
  readonly commands: number;
  readonly accepted: number;
  /** Answered "busy" or 503. */
  readonly refused: number;
  /** No answer, or one that is neither. */
  readonly failed: number;
  readonly p50Ms: number;
  readonly slowestMs: number;
}

/** Sends `n` signed commands at once, each on a new connection; times each answer from the send. */
async function burst(url: string, bodies: BodySource, n: number): Promise<BurstFigure> {
  const signed = Array.from({ length: n }, () => {
    const body = bodies();
    return { body, headers: signedHeaders(body) };
  });
  const results = await Promise.all(
    signed.map(async ({ body, headers }) => {
      const t0 = performance.now();
      const r = await post(url, body, headers);
      return { ms: performance.now() - t0, ...r };
    }),
  );
  const refused = results.filter((r) => r.status === 503 || isBusyAck(r.body)).length;
  const accepted = results.filter((r) => r.status === 200 && !isBusyAck(r.body)).length;
  const times = results.map((r) => r.ms);
  return {
    commands: n,
    accepted,
    refused,
    failed: n - accepted - refused,
    p50Ms: median(times),
    slowestMs: Math.max(...times),
  };
}

const progress = (s: string) => console.log(`  · ${s}`);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const ms = (v: number, d = 2) =>
  Number.isFinite(v) ? `${v.toFixed(d)} ms` : v === Number.POSITIVE_INFINITY ? 'never' : 'n/a';
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');
const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a');

/** With --profile, the servers and the reminder process write V8 CPU profiles here. */
let profileArgv: string[] = [];

async function startServer(
  args: ServerArgs,
  execArgv: string[] = [],
): Promise<{ child: Child<FromServer>; startupMs: number }> {
  const t0 = performance.now();
  const child = forkChild<FromServer>(new URL('./server.js', import.meta.url), args, execArgv);
  const startupMs = await Promise.race([
    waitHealthy(`http://127.0.0.1:${args.port}/healthz`, t0),
    child.died,
  ]);
  await child.next('ready');
  return { child, startupMs };
}

async function stats(child: Child<FromServer>): Promise<Stats> {
  child.send({ type: 'stats' });
  return child.next('stats');
}

/** Waits until the fake Web API has seen no call for 300 ms: the servers' post-ack work is done. */
async function settle(fake: Child<FromFake>): Promise<number> {
  const t0 = performance.now();
  let last = -1;
  let stableSince = performance.now();
  for (;;) {
    fake.send({ type: 'calls' });
    const { total } = await fake.next('calls');
    if (total !== last) {
      last = total;
      stableSince = performance.now();
    } else if (performance.now() - stableSince >= 300) break;
    if (performance.now() - t0 > 120_000) break;
    await sleep(100);
  }
  fake.send({ type: 'trim' });
  await fake.next('trimmed');
  return Math.max(0, stableSince - t0);
}

/** `underLoad`: the fake keeps no history, so it answers as fast at the end of a load as at the start. */
function startFake(P: Params, underLoad: boolean) {
  return startFakeApi({ latencyMs: P.latencyMs, ...(underLoad ? { forgetEveryMs: 1000 } : {}) });
}
type Fake = Awaited<ReturnType<typeof startFake>>;

function arrivalFigure(
  sent: Map<string, number>,
  items: readonly { key: string; at: number }[],
): ArrivalFigure {
  const commands = sent.size;
  const late: number[] = [];
  for (const a of items) {
    const s = sent.get(a.key);
    if (s === undefined) continue;
    late.push(a.at - s);
    sent.delete(a.key);
  }
  const arrived = late.length;
  const missing = sent.size;
  const sorted = Float64Array.from(late).sort();
  const withMissing = Float64Array.from([
    ...late,
    ...Array<number>(missing).fill(Number.POSITIVE_INFINITY),
  ]).sort();
  return {
    commands,
    arrived,
    missing,
    p50: percentile(withMissing, 50),
    p99: percentile(withMissing, 99),
    max: arrived ? (sorted[arrived - 1] as number) : Number.NaN,
  };
}

/** One good signature and one made with the wrong secret: 200 and 401 mean requests are verified. */
async function checkSigning(url: string, body: string): Promise<{ good: number; bad: number }> {
  const good = await post(url, body, signedHeaders(body));
  const bad = await post(url, body, signedHeaders(body, `${SECRET}-wrong`));
  return { good: good.status, bad: bad.status };
}

async function requestPath(P: Params, dir: string, { fake, api }: Fake, pgServer: string | null) {
  const dbPath = join(dir, 'amends.db');
  progress(`seeding ${P.requestCases.toLocaleString('en')} open cases (seeded PRNG)`);
  const db = openDatabase(dbPath);
  const now = new Date();
  await seedProfiles(db, now);
  const seeded = await seedOpenCases(db, P.requestCases, {
    seed: P.seed,
    channels: P.channels,
    now,
  });
  const targets: ClickTarget[] = clickTargets(db, P.clickTargets);
  const dbBytes =
    (db.pragma('page_count', { simple: true }) as number) *
    (db.pragma('page_size', { simple: true }) as number);
  db.close();
  progress(
    `seeded ${seeded.cases} cases / ${seeded.steps} steps in ${(seeded.ms / 1000).toFixed(1)} s (${mb(dbBytes)}); ${targets.length} click targets`,
  );
  // The same cases in a PostgreSQL database of its own (the db:copy code), before any server ran.
  let pgDb: BenchDatabase | null = null;
  let copyMs = Number.NaN;
  if (pgServer) {
    const t0 = performance.now();
    pgDb = await createDatabase(pgServer, 'incident');
    await copySqliteToPostgres(dbPath, pgDb.url);
    copyMs = performance.now() - t0;
    progress(`copied into PostgreSQL (${pgDb.name}) in ${(copyMs / 1000).toFixed(1)} s`);
  }

  const responseUrl = `${api.responseUrlBase}bench`;
  const ports: Record<Who, number> = {
    bare: await freePort(),
    thin: await freePort(),
    amends: await freePort(),
    normal: await freePort(),
    pg: await freePort(),
  };
  const argsOf = (who: Who): ServerArgs => {
    if (who === 'bare') return { kind: 'bare', port: ports.bare };
    if (who === 'thin') return { kind: 'thin', port: ports.thin, slackApiUrl: api.url };
    return {
      kind: 'amends',
      port: ports[who],
      dbPath,
      slackApiUrl: api.url,
      ...(who === 'normal' ? { synchronous: 'NORMAL' as const } : {}),
      ...(who === 'pg' && pgDb ? { databaseUrl: pgDb.url } : {}),
    };
  };
  const urlOf = (who: Who) => `http://127.0.0.1:${ports[who]}/slack/events`;

  // Start-up on the seeded database, alternating so that both see the same machine.
  const startups: Record<'bare' | 'amends', number[]> = { bare: [], amends: [] };
  for (let i = 0; i < P.startups; i++)
    for (const who of ['bare', 'amends'] as const) {
      const s = await startServer(argsOf(who));
      startups[who].push(s.startupMs);
      await s.child.stop();
    }
  for (const who of ['bare', 'amends'] as const)
    progress(`${who}: start-up ${startups[who].map((s) => s.toFixed(0)).join(', ')} ms`);

  const servers: Partial<Record<Who, Child<FromServer>>> = {};
  const up = async (who: Who) => {
    servers[who] = (await startServer(argsOf(who), who === 'thin' ? [] : profileArgv)).child;
    return servers[who] as Child<FromServer>;
  };
  const server = (who: Who) => {
    const s = servers[who];
    if (!s) throw new Error(`${who} is not running`);
    return s;
  };
  /** Each process's last stats (Amends runs as two processes, one before NORMAL, one after). */
  const finals: Partial<Record<Who, Stats[]>> = {};
  const down = async (who: Who) => {
    const s = servers[who];
    if (!s) return;
    finals[who] = [...(finals[who] ?? []), await stats(s)];
    await s.stop();
    delete servers[who];
  };

  const idleKinds = ['bare', 'thin', 'amends'] as const;
  const idleRss: Partial<Record<Who, number>> = {};
  /** CPU ms a second each server spends at rest (timers, the checkpoint thread, sampling). */
  const idleCpu: Partial<Record<Who, number>> = {};
  /** A load run on `who`: its figure, and what the server spent per request answered (refusals too). */
  const rowStats = async <F extends { requests: number; refusedBusy: number; refused503: number }>(
    who: Who,
    run: () => Promise<F>,
  ) => {
    const child = server(who);
    const before = await stats(child);
    const t0 = performance.now();
    const f = await run();
    const answered = f.requests + f.refusedBusy + f.refused503;
    const drainMs = await settle(fake);
    const after = await stats(child);
    const elapsedS = (performance.now() - t0) / 1000;
    const n = Math.max(1, answered);
    const cpu = after.cpuMs - before.cpuMs;
    const cost: Cost = {
      cpuMsPerRequest: cpu / n,
      netCpuMsPerRequest: (cpu - (idleCpu[who] ?? idleCpu.amends ?? 0) * elapsedS) / n,
      drainMs,
      loopDelayP99: after.loopDelay.p99,
      gcMaxMs: after.gc.maxMs,
      serverP99: after.served.p99,
      serverMax: after.served.max,
      gateBusy: after.gate && before.gate ? after.gate.busy - before.gate.busy : null,
    };
    return { f, cost };
  };

  const openRow = async (
    who: Who,
    load: LoadKind,
    bodies: BodySource,
    rate: number,
    seconds: number,
    connections: number,
  ): Promise<OpenRow> => {
    const arrivals = load === 'command' && who !== 'bare';
    const sent = new Map<string, number>();
    if (arrivals) {
      fake.send({ type: 'arrivals' });
      await fake.next('arrivals'); // forget the warm-up's
    }
    const { f, cost } = await rowStats(who, () =>
      runFixedRate(urlOf(who), rate, connections, seconds, bodies, {
        ...(arrivals
          ? {
              onSend: (body: string, at: number) => {
                const k = arrivalKeyOf(body);
                if (k) sent.set(k, at);
              },
              // A refused command stores nothing and posts nothing: only accepted ones are awaited.
              onAnswer: (body: string, outcome: string) => {
                const k = outcome === 'accepted' ? null : arrivalKeyOf(body);
                if (k) sent.delete(k);
              },
            }
          : {}),
      }),
    );
    let arrival: ArrivalFigure | null = null;
    if (arrivals) {
      fake.send({ type: 'arrivals' });
      arrival = arrivalFigure(sent, (await fake.next('arrivals')).items);
    }
    const row: OpenRow = { ...f, ...cost, who, load, arrival };
    const refused = f.refusedBusy + f.refused503;
    progress(
      `${who} ${load} at ${rate} req/s (open loop, <= ${connections} conns): ack p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max, 0)}` +
        (arrival ? `; parent post p50 ${ms(arrival.p50)}, p99 ${ms(arrival.p99)}` : '') +
        `; ${row.netCpuMsPerRequest.toFixed(2)} ms CPU/request` +
        (refused || f.errors || f.otherNon2xx
          ? ` (refused ${f.refusedBusy} busy + ${f.refused503} 503, other non-2xx ${f.otherNon2xx}, no answer ${f.errors})`
          : ''),
    );
    return row;
  };

  const closedRow = async (
    who: Who,
    load: LoadKind,
    bodies: BodySource,
    connections: number,
  ): Promise<ClosedRow> => {
    const { f, cost } = await rowStats(who, () =>
      runLoad(urlOf(who), connections, P.capacitySeconds, bodies),
    );
    const row: ClosedRow = { ...f, ...cost, who, load };
    progress(
      `${who} ${load} closed loop c=${connections}: ${f.rps.toFixed(0)} accepted req/s, ack p50 ${ms(f.p50)}, p99 ${ms(f.p99)}; ` +
        `${row.netCpuMsPerRequest.toFixed(2)} ms CPU/request` +
        (f.refusedBusy || f.refused503 || f.errors || f.timeouts || f.otherNon2xx
          ? ` (refused ${f.refusedBusy} busy + ${f.refused503} 503, other non-2xx ${f.otherNon2xx}, errors ${f.errors}, timeouts ${f.timeouts})`
          : ''),
    );
    return row;
  };

  const warm = async (who: Who, bodies: BodySource) => {
    await runLoad(urlOf(who), 10, P.warmupSeconds, bodies);
    await settle(fake);
  };

  const open: OpenRow[] = [];
  const closed: ClosedRow[] = [];
  const overload: OpenRow[] = [];
  const bursts: BurstFigure[] = [];
  const capacity: Partial<Record<LoadKind, Record<'bare' | 'amends', ClosedRow>>> = {};
  const signing: Record<string, { good: number; bad: number }> = {};
  /** What each first process had logged by the end of the signature check. */
  const expectedLogs: Partial<Record<Who, Record<string, number>>> = {};
  let clicks = { fresh: 0, repeated: 0 };
  /** The PostgreSQL backends' CPU per request of the pg row (null: not measurable, or no row). */
  let pgDbCpu: number | null = null;
  try {
    for (const who of ['bare', 'thin', 'amends'] as const) await up(who);
    // Resident memory at rest, before any load: what the process costs just by being up.
    await sleep(500);
    for (const who of ['bare', 'thin', 'amends'] as const)
      idleRss[who] = (await stats(server(who))).rss;
    const probe = commandBodies(responseUrl, 'z');
    for (const who of ['bare', 'thin', 'amends'] as const) {
      signing[who] = await checkSigning(urlOf(who), probe());
      // The wrong-secret request is logged (Bolt warns of the mismatch): not counted below.
      expectedLogs[who] = (await stats(server(who))).logs;
    }
    await settle(fake);
    progress(
      `signature check (good secret / wrong secret): ${Object.entries(signing)
        .map(([w, s]) => `${w} ${s.good}/${s.bad}`)
        .join(', ')}`,
    );

    // /incident: bare, thin and Amends at the same offered loads, then Amends with NORMAL commits,
    // then capacity and overload.
    const cmd: Record<Who, BodySource> = {
      bare: commandBodies(responseUrl, 'b'),
      thin: commandBodies(responseUrl, 't'),
      amends: commandBodies(responseUrl, 'a'),
      normal: commandBodies(responseUrl, 'n'),
      pg: commandBodies(responseUrl, 'p'),
    };
    for (const who of ['bare', 'thin', 'amends'] as const) await warm(who, cmd[who]);
    // The CPU each spends at rest (timers, Amends' checkpoint thread, this bench's sampling), taken
    // off its CPU per request. Measured warm, all three at once (just after start-up a server still
    // compiles and collects in the background for a few seconds), as the median of one-second
    // windows, so that one late collection of the warm-up's garbage is not taken for it.
    await sleep(1000);
    let from = await Promise.all(idleKinds.map((w) => stats(server(w))));
    const windows: number[][] = idleKinds.map(() => []);
    for (let i = 0; i < P.idleSeconds; i++) {
      const t0 = performance.now();
      await sleep(1000);
      const to = await Promise.all(idleKinds.map((w) => stats(server(w))));
      const s = (performance.now() - t0) / 1000;
      for (const [k, b] of to.entries())
        windows[k]?.push((b.cpuMs - (from[k]?.cpuMs ?? b.cpuMs)) / s);
      from = to;
    }
    for (const [k, w] of idleKinds.entries()) idleCpu[w] = median(windows[k] ?? []);
    progress(
      `at rest: CPU ${idleKinds.map((w) => `${w} ${(idleCpu[w] ?? 0).toFixed(1)}`).join(', ')} ms/s`,
    );
    for (const rate of P.rates)
      for (const who of ['bare', 'thin', 'amends'] as const)
        open.push(await openRow(who, 'command', cmd[who], rate, P.rateSeconds, P.rateConnections));
    // The commit's durability: the top-rate row again on Amends with synchronous=NORMAL, right after
    // the FULL one, on the same database (one Amends at a time).
    const top = Math.max(...P.rates);
    await down('amends');
    await up('normal');
    await warm('normal', cmd.normal);
    open.push(
      await openRow('normal', 'command', cmd.normal, top, P.rateSeconds, P.rateConnections),
    );
    await down('normal');
    // PostgreSQL: the same row on one Amends backed by the copy of the seeded cases (then dropped).
    if (pgServer && pgDb) {
      await up('pg');
      await warm('pg', cmd.pg);
      const backends = await watchBackends(pgServer, pgDb.name);
      const row = await openRow('pg', 'command', cmd.pg, top, P.rateSeconds, P.rateConnections);
      const dbCpu = await backends.stop();
      open.push(row);
      const answered = row.requests + row.refusedBusy + row.refused503;
      pgDbCpu = dbCpu === null ? null : dbCpu / Math.max(1, answered);
      progress(
        `PostgreSQL backends: ${pgDbCpu === null ? 'CPU not measurable (server not on this machine)' : `${pgDbCpu.toFixed(2)} ms CPU/request`}`,
      );
      await down('pg');
      await pgDb.drop();
    }
    await up('amends');
    await warm('amends', cmd.amends);

    const saturate = async (load: LoadKind, bodies: Record<'bare' | 'amends', BodySource>) => {
      const best: Partial<Record<'bare' | 'amends', ClosedRow>> = {};
      for (const c of P.capacityConnections)
        for (const who of ['bare', 'amends'] as const) {
          const r = await closedRow(who, load, bodies[who], c);
          closed.push(r);
          if (!best[who] || r.rps > (best[who]?.rps ?? 0)) best[who] = r;
        }
      const cap = best as Record<'bare' | 'amends', ClosedRow>;
      capacity[load] = cap;
      const rate = Math.max(1, Math.round(cap.amends.rps * P.overloadFactor));
      const r = await openRow(
        'amends',
        load,
        bodies.amends,
        rate,
        P.overloadSeconds,
        P.overloadConnections,
      );
      overload.push(r);
    };
    await saturate('command', cmd);
    // Bursts: every command of a burst sent at once, each on its own connection.
    for (const n of P.bursts) {
      await sleep(1000); // what the rows before left behind settles first
      bursts.push(await burst(urlOf('amends'), cmd.amends, n));
      progress(
        `burst of ${n}: ${bursts.at(-1)?.refused} refused, slowest answer ${ms(bursts.at(-1)?.slowestMs ?? Number.NaN, 0)}`,
      );
    }

    // block_actions: the parents the clicks update are stored in the fake first.
    fake.send({ type: 'parents', items: targets.map((t) => ({ channel: t.channel, ts: t.ts })) });
    await fake.next('parents');
    const amendsClicks = clickBodies(targets, responseUrl);
    const click: Record<'bare' | 'amends', BodySource> = {
      bare: clickBodies(targets, responseUrl),
      amends: amendsClicks,
    };
    for (const who of ['bare', 'amends'] as const) await warm(who, click[who]);
    for (const rate of P.rates)
      for (const who of ['bare', 'amends'] as const)
        open.push(await openRow(who, 'click', click[who], rate, P.rateSeconds, P.rateConnections));
    await saturate('click', click);
    clicks = amendsClicks.used();
  } finally {
    for (const who of Object.keys(servers) as Who[]) await down(who).catch(() => {});
    await pgDb?.drop().catch(() => {});
  }
  return {
    seeded: { ...seeded, dbBytes, clickTargets: targets.length },
    startups,
    idleRss,
    idleCpu,
    signing,
    open,
    closed,
    capacity,
    overload,
    bursts,
    clicks,
    finals,
    expectedLogs,
    pg: pgServer ? { copyMs, dbCpuMsPerRequest: pgDbCpu } : null,
  };
}

async function commitCost(
  P: Params,
  dir: string,
  pgServer: string | null,
): Promise<CommitFigure[]> {
  progress(
    `one case's commit, ${P.commits} times with synchronous=FULL and with NORMAL${pgServer ? ', and on PostgreSQL' : ''}`,
  );
  const pgDb = pgServer ? await createDatabase(pgServer, 'commit') : null;
  try {
    const child = forkChild<FromCommit>(new URL('./commitBench.js', import.meta.url), {
      dir,
      commits: P.commits,
      ...(pgDb ? { databaseUrl: pgDb.url } : {}),
    } satisfies CommitArgs);
    const r = await child.next('result', 10 * 60_000);
    await child.stop();
    if (!r.ok) throw new Error(`commit bench failed: ${r.message}`);
    return r.figures;
  } finally {
    await pgDb?.drop();
  }
}

async function reminderPath(P: Params, dir: string, { fake, api }: Fake) {
  progress(
    `reminder path: ticks at ${P.tickSizes.map((n) => n.toLocaleString('en')).join(' / ')} steps, then delivery`,
  );
  const child = forkChild<FromReminders>(
    new URL('./reminderBench.js', import.meta.url),
    {
      dir,
      sizes: P.tickSizes,
      due: P.due,
      runs: P.tickRuns,
      seed: P.seed,
      delivery: P.delivery,
      slackApiUrl: api.url,
    } satisfies ReminderArgs,
    profileArgv,
  );
  const r = await child.next('result', 30 * 60_000);
  await child.stop();
  if (!r.ok) throw new Error(`reminder bench failed: ${r.message}`);
  fake.send({ type: 'posts' });
  const { items } = await fake.next('posts');
  return { ticks: r.ticks, peakRss: r.peakRss, delivery: pacing(r.delivery, items) };
}

const sup = (n: number) => {
  const e = Math.log10(n);
  return Number.isInteger(e) ? `10^${e}` : n.toLocaleString('en');
};

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const P = quick ? QUICK : FULL;
  if (process.argv.includes('--profile')) {
    const profDir = resolve('bench-results', 'profiles');
    mkdirSync(profDir, { recursive: true });
    profileArgv = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
  }
  const m = machine();
  console.log(
    `Amends benchmark${quick ? ' (quick mode: small sizes, seconds per row; timings not meaningful)' : ''}`,
  );
  console.log(
    `  ${m.date} | ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB | node ${m.node} | ${m.os}`,
  );
  const pgFound = await findBenchPostgres();
  const pgServer = 'url' in pgFound ? pgFound.url : null;
  console.log(
    'url' in pgFound
      ? `  PostgreSQL rows on ${pgFound.origin}, a database of their own each`
      : `  PostgreSQL rows skipped: ${pgFound.missing}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'amends-bench-'));
  const cleanup = () => {
    killChildren();
    killReplicas();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    void dropLeftDatabases().finally(() => process.exit(130));
  });
  try {
    const t0 = performance.now();
    const commits = await commitCost(P, dir, pgServer);
    const loaded = await startFake(P, true);
    const watch = watchOthers();
    const req = await requestPath(P, dir, loaded, pgServer);
    const others = watch.stop();
    await loaded.fake.stop();
    // Delivery is measured from the calls the fake records: here it keeps them.
    const idle = await startFake(P, false);
    const rem = await reminderPath(P, dir, idle);
    progress(`export of ${P.exportEvents.toLocaleString('en')} events while /incident arrives`);
    const exp = await exportBench({
      dir,
      events: P.exportEvents,
      rate: P.exportRate,
      connections: P.rateConnections,
      usualSeconds: P.exportUsualSeconds,
      loadSeconds: P.exportLoadSeconds,
      rounds: P.exportRounds,
      seed: P.seed,
      fake: idle.fake,
      api: idle.api,
      port: await freePort(),
      start: async (args) => (await startServer(args)).child,
    });
    await idle.fake.stop();
    progress(`restart after SIGKILL with ${P.restartCommands} cases waiting for Slack`);
    const restart = await restartRecovery({ commands: P.restartCommands });
    let pgRestart: RestartFigure | null = null;
    if (pgServer) {
      progress(`the same restart on PostgreSQL (a fresh database)`);
      const db = await createDatabase(pgServer, 'restart');
      try {
        pgRestart = await restartRecovery({ commands: P.restartCommands, databaseUrl: db.url });
      } finally {
        await db.drop();
      }
    }
    const RP = replicaSizes(quick);
    const replicas = pgServer
      ? await replicaBench({ ...RP, server: pgServer, dir, progress: (s) => progress(s) })
      : null;
    report(
      P,
      quick,
      m,
      req,
      others,
      commits,
      rem,
      exp,
      restart,
      pgRestart,
      replicas ? { fig: replicas, sizes: RP } : null,
      'missing' in pgFound ? pgFound.missing : null,
      (performance.now() - t0) / 1000,
    );
  } finally {
    cleanup();
    await dropLeftDatabases();
  }
}

const LABELS: Record<LoadKind, string> = {
  command: '/incident <client>: <what>',
  click: 'block_actions (own_up Done)',
};
const SHORT: Record<LoadKind, string> = { command: '/incident', click: 'block_actions' };
/** Amends' CPU per /incident before this change (closed loop, front + app thread). */
const CPU_BEFORE = { low: 4.3, high: 6.9 };

function report(
  P: Params,
  quick: boolean,
  m: ReturnType<typeof machine>,
  req: Awaited<ReturnType<typeof requestPath>>,
  others: OthersLoad | null,
  commits: CommitFigure[],
  rem: Awaited<ReturnType<typeof reminderPath>>,
  exp: ExportFigure,
  restart: RestartFigure,
  /** The same restart on PostgreSQL (null: no server). */
  pgRestart: RestartFigure | null,
  replicas: { fig: ReplicaFigure; sizes: ReplicaSizes } | null,
  /** Why the PostgreSQL rows were skipped (null: they ran). */
  pgMissing: string | null,
  seconds: number,
): void {
  const targets: Target[] = [];
  // The physical limit of a durable ack: bare Bolt's p99 at the same offered load, one synced
  // commit's p99 (commitBench, synchronous=FULL), and 1 ms, all measured in this run.
  const syncedCommitMs = commits.find((c) => c.mode === 'FULL')?.p99Ms ?? Number.NaN;
  const openOf = (who: Who, load: LoadKind, rate: number) =>
    req.open.find((r) => r.who === who && r.load === load && r.rate === rate);
  const refusedOf = (r: { refusedBusy: number; refused503: number }) =>
    r.refusedBusy + r.refused503;
  const troubles = (r: OpenRow | undefined) =>
    r ? refusedOf(r) + r.errors + r.otherNon2xx : Number.NaN;

  if (others)
    console.log(
      `\nOther processes on this machine used ${others.othersCores.toFixed(2)} cores on average while the request path ran ` +
        `(${(others.seconds / 60).toFixed(1)} min; busiest second ${others.othersPeakCores.toFixed(2)});\n` +
        `the benchmark's own processes ${others.oursCores.toFixed(2)} of the ${m.cores}.` +
        (others.othersCores > 0.1
          ? ' The machine was shared: figures are disturbed, ratios less so (rows alternate).'
          : ''),
    );

  console.log(
    `\n1. Ack latency at the same offered load: open loop, ${P.rateSeconds} s a row over <= ${P.rateConnections} keep-alive connections ` +
      '(a request every 1/rate s whatever the server does;\n   latency counted from when each was due, so queueing is included). ' +
      `Amends on ${req.seeded.cases.toLocaleString('en')} open cases, commit included; fake Web API answering in ${P.latencyMs} ms`,
  );
  const same: string[][] = [
    [
      'load',
      'offered',
      'bare p50 / p99',
      'thin p50 / p99',
      'Amends p50 / p99',
      'p99 A/bare',
      'CPU/req bare',
      'CPU/req thin',
      'CPU/req Amends',
      'refused+lost A',
    ],
  ];
  for (const load of ['command', 'click'] as const)
    for (const rate of P.rates) {
      const b = openOf('bare', load, rate);
      const t = openOf('thin', load, rate);
      const a = openOf('amends', load, rate);
      if (!a || !b) continue;
      const r = ratio(a.p99, b.p99);
      same.push([
        LABELS[load],
        `${rate} req/s`,
        `${ms(b.p50)} / ${ms(b.p99)}`,
        t ? `${ms(t.p50)} / ${ms(t.p99)}` : '-',
        `${ms(a.p50)} / ${ms(a.p99)}`,
        x(r),
        ms(b.netCpuMsPerRequest),
        t ? ms(t.netCpuMsPerRequest) : '-',
        ms(a.netCpuMsPerRequest),
        String(troubles(a)),
      ]);
      const limit = b.p99 + syncedCommitMs + 1;
      targets.push({
        what: `ack p99 at ${rate} req/s, ${SHORT[load]} (Amends <= bare p99 + synced commit p99 + 1 ms)`,
        measured: `${ms(a.p99, 2)} (bare ${ms(b.p99, 2)}, ${x(r)})${troubles(a) ? `, ${troubles(a)} refused/lost` : ''}`,
        limit: `<= ${ms(limit, 2)} (bare ${ms(b.p99, 2)} + commit ${ms(syncedCommitMs, 2)} + 1 ms)`,
        pass: a.p99 <= limit && troubles(a) === 0,
      });
    }
  console.log(table(same));
  const cFullFig = commits.find((c) => c.mode === 'FULL');
  console.log(
    `  Ack target: bare Bolt's p99 at the same offered load + one synced commit's p99 + 1 ms. The synced commit: ${ms(syncedCommitMs, 3)},\n` +
      `  the p99 of ${cFullFig?.commits ?? 0} cases.open commits timed alone with synchronous=FULL in this run (median ${ms(cFullFig?.medianMs ?? Number.NaN, 3)}; section 3)`,
  );
  console.log(
    '  CPU/req: server CPU (user + system, all threads) over the row and the work it left behind, per request, less the CPU the server spends at rest\n' +
      `  (at rest: ${(['bare', 'thin', 'amends'] as const).map((w) => `${w} ${(req.idleCpu[w] ?? 0).toFixed(1)}`).join(', ')} ms/s)`,
  );

  console.log(
    `\n2. From the /incident being sent to its parent message reaching the fake Web API (chat.postMessage without thread_ts, stamped as\n   received; both stamps on the machine's monotonic clock), same rows: Amends against the thin bot (ack, then one chat.postMessage)`,
  );
  const arr: string[][] = [
    ['offered', 'thin p50 / p99', 'Amends p50 / p99', 'Amends max', 'p99 A/thin', 'missing thin/A'],
  ];
  for (const rate of P.rates) {
    const t = openOf('thin', 'command', rate)?.arrival;
    const a = openOf('amends', 'command', rate)?.arrival;
    if (!t || !a) continue;
    const r = ratio(a.p99, t.p99);
    arr.push([
      `${rate} req/s`,
      `${ms(t.p50)} / ${ms(t.p99)}`,
      `${ms(a.p50)} / ${ms(a.p99)}`,
      ms(a.max),
      x(r),
      `${t.missing}/${a.missing}`,
    ]);
    targets.push({
      what: `parent message p99 at ${rate} req/s, /incident (Amends/thin)`,
      measured: `${x(r)} (${ms(a.p99, 1)} vs ${ms(t.p99, 1)})${a.missing ? `, ${a.missing} never posted` : ''}`,
      limit: '<= 1.5x',
      pass: r <= 1.5 && a.missing === 0,
    });
  }
  console.log(table(arr));

  const top = Math.max(...P.rates);
  const full = openOf('amends', 'command', top);
  const normal = openOf('normal', 'command', top);
  const cFull = commits.find((c) => c.mode === 'FULL');
  const cNormal = commits.find((c) => c.mode === 'NORMAL');
  console.log(
    `\n3. The commit in the ack: the ${top} req/s /incident row on Amends as it is (synchronous=FULL), then again at once with\n` +
      `   synchronous=NORMAL (set after start-up; bench only); and one case's commit (cases.open: openCase + CaseRepo.insert, one\n` +
      `   immediate transaction) timed ${P.commits} times in each mode on temporary databases`,
  );
  const cmp = (f: (r: OpenRow) => string): [string, string] => [
    full ? f(full) : 'n/a',
    normal ? f(normal) : 'n/a',
  ];
  console.log(
    table([
      ['', 'FULL', 'NORMAL'],
      [`ack p50 / p99 at ${top} req/s`, ...cmp((r) => `${ms(r.p50)} / ${ms(r.p99)}`)],
      [
        'parent message p50 / p99',
        ...cmp((r) => (r.arrival ? `${ms(r.arrival.p50)} / ${ms(r.arrival.p99)}` : 'n/a')),
      ],
      ['CPU/request', ...cmp((r) => ms(r.netCpuMsPerRequest))],
      [
        'one commit: median / p99',
        cFull ? `${ms(cFull.medianMs, 3)} / ${ms(cFull.p99Ms, 3)}` : 'n/a',
        cNormal ? `${ms(cNormal.medianMs, 3)} / ${ms(cNormal.p99Ms, 3)}` : 'n/a',
      ],
    ]),
  );

  const pgRow = openOf('pg', 'command', top);
  const cPg = commits.find((c) => c.mode === 'POSTGRES');
  if (pgMissing) console.log(`\n3b. PostgreSQL rows skipped: ${pgMissing}`);
  else if (pgRow && full) {
    const dbCpu = req.pg?.dbCpuMsPerRequest ?? null;
    console.log(
      `\n3b. PostgreSQL against SQLite: the ${top} req/s /incident row on one Amends backed by PostgreSQL (a copy of the same seeded\n` +
        `   cases, ${ms(req.pg?.copyMs ?? Number.NaN, 0)} to copy), right after the NORMAL row; beside it the SQLite row (FULL) above. One case's commit\n` +
        "   timed alone on each (cases.open: a transaction on SQLite, one statement on PostgreSQL). The bot's CPU is its process; on\n" +
        '   PostgreSQL the database works in its own processes (backends serving the database, from /proc: a server on this machine;\n' +
        '   WAL writer and checkpointer not counted)',
    );
    const both = (f: (r: OpenRow) => string): [string, string] => [f(full), f(pgRow)];
    console.log(
      table([
        ['', 'SQLite (FULL)', 'PostgreSQL'],
        [`ack p50 / p99 at ${top} req/s`, ...both((r) => `${ms(r.p50)} / ${ms(r.p99)}`)],
        ['slowest ack', ...both((r) => ms(r.max, 1))],
        [
          'parent message p50 / p99',
          ...both((r) => (r.arrival ? `${ms(r.arrival.p50)} / ${ms(r.arrival.p99)}` : 'n/a')),
        ],
        ['CPU/request, the bot', ...both((r) => ms(r.netCpuMsPerRequest))],
        ['CPU/request, the database', '(in the bot)', dbCpu === null ? 'n/a' : ms(dbCpu)],
        [
          'CPU/request, both',
          ms(full.netCpuMsPerRequest),
          dbCpu === null ? 'n/a' : ms(pgRow.netCpuMsPerRequest + dbCpu),
        ],
        ['refused / lost', ...both((r) => String(troubles(r)))],
        [
          'one commit: median / p99',
          cFull ? `${ms(cFull.medianMs, 3)} / ${ms(cFull.p99Ms, 3)}` : 'n/a',
          cPg ? `${ms(cPg.medianMs, 3)} / ${ms(cPg.p99Ms, 3)}` : 'n/a',
        ],
      ]),
    );
    const b = openOf('bare', 'command', top);
    if (b && cPg) {
      const limit = b.p99 + cPg.p99Ms + 1;
      targets.push({
        what: `ack p99 at ${top} req/s, /incident on PostgreSQL (<= bare p99 + its commit p99 + 1 ms)`,
        measured: `${ms(pgRow.p99, 2)} (SQLite ${ms(full.p99, 2)})${troubles(pgRow) ? `, ${troubles(pgRow)} refused/lost` : ''}`,
        limit: `<= ${ms(limit, 2)} (bare ${ms(b.p99, 2)} + commit ${ms(cPg.p99Ms, 2)} + 1 ms)`,
        pass: pgRow.p99 <= limit && troubles(pgRow) === 0,
      });
    }
  }

  console.log(
    `\n4. Saturation. Capacity: closed loop (${P.capacitySeconds} s a row; each connection sends its next request when the last is answered),\n` +
      '   accepted requests/s (refused ones, a "busy" ack or a 503, are not counted); capacity is the best row. Then an open loop at\n' +
      `   ${P.overloadFactor}x Amends' capacity for ${P.overloadSeconds} s over <= ${P.overloadConnections} connections`,
  );
  const cap: string[][] = [
    [
      'load',
      'conns',
      'bare req/s',
      'CPU/req bare',
      'Amends req/s',
      'CPU/req Amends',
      'Amends ack p50 / p99',
      'Amends refused',
    ],
  ];
  for (const load of ['command', 'click'] as const)
    for (const c of P.capacityConnections) {
      const b = req.closed.find((r) => r.who === 'bare' && r.load === load && r.connections === c);
      const a = req.closed.find(
        (r) => r.who === 'amends' && r.load === load && r.connections === c,
      );
      if (!a || !b) continue;
      cap.push([
        LABELS[load],
        String(c),
        n0(b.rps),
        ms(b.netCpuMsPerRequest),
        n0(a.rps),
        ms(a.netCpuMsPerRequest),
        `${ms(a.p50, 1)} / ${ms(a.p99, 1)}`,
        String(refusedOf(a) + a.errors + a.timeouts + a.otherNon2xx),
      ]);
    }
  console.log(table(cap));
  const over: string[][] = [
    [
      'load',
      'offered',
      'accepted',
      'busy acks',
      '503s',
      'no answer',
      'ack p50 / p99',
      'slowest ack',
      'slowest answer',
      'answers > 3 s',
      'in server p99 / max',
      'connect p99 / max (new)',
      'sender lag p99',
    ],
  ];
  for (const o of req.overload) {
    const capRow = req.capacity[o.load]?.amends;
    over.push([
      LABELS[o.load],
      `${o.rate} req/s`,
      n0(o.requests),
      n0(o.refusedBusy),
      n0(o.refused503),
      n0(o.errors + o.otherNon2xx),
      `${ms(o.p50, 0)} / ${ms(o.p99, 0)}`,
      ms(o.max, 0),
      ms(o.maxAnswer, 0),
      n0(o.over3s),
      `${ms(o.serverP99, 0)} / ${ms(o.serverMax, 0)}`,
      `${ms(o.connectWaitP99, 0)} / ${ms(o.connectWaitMax, 0)} (${n0(o.connectionsOpened)})`,
      ms(o.sendLagP99, 1),
    ]);
    const offered = o.requests + refusedOf(o) + o.errors + o.otherNon2xx;
    targets.push({
      what: `slowest answer at ${P.overloadFactor}x capacity (${o.rate} req/s offered; capacity ${n0(capRow?.rps ?? Number.NaN)}), ${SHORT[o.load]}`,
      measured: `${ms(o.maxAnswer, 0)}; refused ${n0(refusedOf(o))} of ${n0(offered)}${o.over3s ? `; ${n0(o.over3s)} answers > 3 s` : ''}${o.errors + o.otherNon2xx ? `, ${o.errors + o.otherNon2xx} unanswered/other` : ''}`,
      limit: '<= 2500 ms',
      pass: o.maxAnswer <= 2500 && o.errors + o.otherNon2xx === 0,
    });
  }
  console.log(table(over));
  console.log(
    `  Amends works on at most 100 requests at once (its gate), each keeping its slot through its Web API calls (two a request here,
` +
      `  ${P.latencyMs} ms each), so it cannot accept more than about ${n0(100_000 / (2 * P.latencyMs))} req/s whatever its CPU; past that it refuses`,
  );
  console.log(
    '  "slowest answer" includes refusals; "in server": from Node reading a request to its response written (what Amends\' gate can\n' +
      '  see); "connect": from handing a request to the client\'s pool to its socket being connected (new: connections opened).\n' +
      '  The rest of an answer\'s time it waited in the server\'s kernel for the event loop to read it. "sender lag": how late this\n' +
      '  process sent requests (above a few ms the generator, not the server, lagged)',
  );
  console.log(
    `  clicks on Amends: ${req.clicks.fresh} completed a pending step (stored, chat.update + thread reply); ` +
      `${req.clicks.repeated} hit an already-done step (ephemeral note)`,
  );
  const drain = Math.max(...req.open.concat(req.overload).map((r) => r.drainMs), 0);
  console.log(
    `  work after the ack (database, Web API calls) ran on for up to ${(drain / 1000).toFixed(1)} s after a load stopped`,
  );

  const cpuTop = full?.netCpuMsPerRequest ?? Number.NaN;
  // Saturated, as the figure before was measured (closed loop); the row with the fewest refusals,
  // since a refusal costs a fraction of a request and would flatter the average.
  const sat = req.closed
    .filter((r) => r.who === 'amends' && r.load === 'command')
    .sort(
      (a, b) =>
        refusedOf(a) / Math.max(1, a.requests + refusedOf(a)) -
        refusedOf(b) / Math.max(1, b.requests + refusedOf(b)),
    )[0];
  const cpuSat = sat?.netCpuMsPerRequest ?? Number.NaN;
  const goal = CPU_BEFORE.low / 2;
  console.log(
    `\n  CPU per /incident: ${ms(cpuSat)} saturated (closed loop, ${sat?.connections} conns, ${sat ? refusedOf(sat) : 0} refused), ${ms(cpuTop)} at ${top} req/s ` +
      `(bare ${ms(openOf('bare', 'command', top)?.netCpuMsPerRequest ?? Number.NaN)}, thin ${ms(openOf('thin', 'command', top)?.netCpuMsPerRequest ?? Number.NaN)}); ` +
      `before: ${CPU_BEFORE.low}–${CPU_BEFORE.high} ms (closed loop)`,
  );
  targets.push({
    what: `CPU per /incident, saturated (closed loop, as before), net of rest`,
    measured: `${ms(cpuSat)} (at ${top} req/s: ${ms(cpuTop)})`,
    limit: `<= ${goal.toFixed(2)} ms (half of ${CPU_BEFORE.low})`,
    pass: cpuSat <= goal,
  });

  console.log(
    `\n5. Reminder path (for information): tick = plan ${P.due} due cases + claim + deliver to a no-op channel (median of ${P.tickRuns}, cold SQLite cache)`,
  );
  const trows: string[][] = [
    ['stored steps', 'cases', 'indexed steps', 'due', 'query', 'tick', 'db size'],
  ];
  for (const t of rem.ticks)
    trows.push([
      `${sup(t.targetSteps)} (${t.steps.toLocaleString('en')})`,
      t.cases.toLocaleString('en'),
      t.indexed.toLocaleString('en'),
      String(t.due),
      ms(t.queryMs, 3),
      ms(t.tickMs),
      mb(t.dbBytes),
    ]);
  console.log(table(trows));
  const first = rem.ticks[0];
  const last = rem.ticks[rem.ticks.length - 1];
  const tickRatio = first && last ? ratio(last.tickMs, first.tickMs) : Number.NaN;
  const queryRatio = first && last ? ratio(last.queryMs, first.queryMs) : Number.NaN;
  const sizes = first && last ? `${sup(last.targetSteps)}/${sup(first.targetSteps)}` : '';
  console.log(`  tick ${sizes}: ${x(tickRatio)}; query alone: ${x(queryRatio)}`);
  console.log(`  query plan: ${last?.queryPlan.join('; ')}`);
  const d: DeliveryFigure = rem.delivery;
  const overIdeal = ratio(d.totalMs - d.idealMs, d.idealMs);
  console.log(
    `  delivery: ${d.reminders} due reminders over ${d.channels} channels (${d.perChannelMax} per channel), pacing 1 msg/s/channel, fake latency ${d.latencyMs} ms`,
  );
  console.log(
    `    sent ${d.sent} in ${(d.totalMs / 1000).toFixed(2)} s over ${d.ticks} tick(s); ideal ${(d.idealMs / 1000).toFixed(2)} s ` +
      `(+${(overIdeal * 100).toFixed(1)}%); first post after ${ms(d.firstPostMs, 0)}`,
  );
  console.log(
    `    gap between two posts in one channel: smallest ${ms(d.minGapMs, 0)}, mean ${ms(d.meanGapMs, 0)} (max rate ${d.maxPerChannelRate.toFixed(3)} msg/s); ` +
      `most posts in one channel within 1 s: ${d.maxPerChannelInOneSecond}; bursts (gap < ${1000 - d.toleranceMs} ms): ${d.bursts}`,
  );
  if (Object.keys(d.errors).length) console.log(`    logged: ${JSON.stringify(d.errors)}`);

  console.log(
    '\n4b. Bursts: /incident commands sent all at once to Amends (each on a new connection; answers timed from each send)',
  );
  const burstRows: string[][] = [['commands', 'accepted', 'refused', 'failed', 'p50', 'slowest']];
  for (const b of req.bursts) {
    burstRows.push([
      String(b.commands),
      String(b.accepted),
      String(b.refused),
      String(b.failed),
      ms(b.p50Ms, 0),
      ms(b.slowestMs, 0),
    ]);
    targets.push({
      what: `burst of ${b.commands} /incident at once: none refused, slowest answer`,
      measured: `${b.refused} refused, ${b.failed} failed, slowest ${ms(b.slowestMs, 0)}`,
      limit: '0 refused, < 2500 ms',
      pass: b.refused === 0 && b.failed === 0 && b.slowestMs < 2500,
    });
  }
  console.log(table(burstRows));

  console.log('\n6. Memory and start-up');
  const bareFinal = req.finals.bare ?? [];
  const amendsFinal = req.finals.amends ?? [];
  const peak = (xs: Stats[]) => (xs.length ? Math.max(...xs.map((s) => s.peakRss)) : Number.NaN);
  const bareStart = median(req.startups.bare);
  const amendsStart = median(req.startups.amends);
  const startRatio = ratio(amendsStart, bareStart);
  console.log(
    table([
      ['', 'bare Bolt', 'Amends', 'Amends/bare'],
      [
        'RSS at rest after start-up',
        mb(req.idleRss.bare ?? Number.NaN),
        mb(req.idleRss.amends ?? Number.NaN),
        x(ratio(req.idleRss.amends ?? Number.NaN, req.idleRss.bare ?? Number.NaN)),
      ],
      [
        'peak RSS while serving the loads',
        mb(peak(bareFinal)),
        mb(peak(amendsFinal)),
        x(ratio(peak(amendsFinal), peak(bareFinal))),
      ],
      [
        `start-up to a ready /healthz (median of ${P.startups})`,
        ms(bareStart, 0),
        ms(amendsStart, 0),
        x(startRatio),
      ],
    ]),
  );
  console.log(
    `  Amends database: ${req.seeded.cases.toLocaleString('en')} open cases, ${mb(req.seeded.dbBytes)}; ` +
      `reminder-path process peak RSS (${sup(last?.targetSteps ?? 0)} steps): ${mb(rem.peakRss)}`,
  );
  targets.push({
    what: `start-up to a ready /healthz with ${sup(req.seeded.cases)} cases (Amends/bare)`,
    measured: `${x(startRatio)} (${ms(amendsStart, 0)} vs ${ms(bareStart, 0)})`,
    limit: '<= 1.3x',
    pass: startRatio <= 1.3,
  });

  // What the servers logged (Amends at warn; the thin bot its errors), less the signature check's
  // expected line: nothing, when all went well.
  const logs: Record<string, Record<string, number>> = {};
  for (const who of ['bare', 'thin', 'amends', 'normal', 'pg'] as const)
    for (const [i, s] of (req.finals[who] ?? []).entries())
      for (const [k, n] of Object.entries(s.logs)) {
        const l = logs[who] ?? {};
        const left = n - (i === 0 ? (req.expectedLogs[who]?.[k] ?? 0) : 0);
        if (left > 0) l[k] = (l[k] ?? 0) + left;
        if (Object.keys(l).length) logs[who] = l;
      }
  if (!Object.keys(logs).length) console.log('  no server logged anything during the loads');
  for (const [who, l] of Object.entries(logs))
    console.log(
      `  ${who} logged: ${Object.entries(l)
        .map(([k, n]) => `${k} ×${n}`)
        .join('; ')}`,
    );
  const badSigning = Object.entries(req.signing).filter(([, s]) => s.good !== 200 || s.bad !== 401);
  if (badSigning.length)
    console.log(
      `  WARNING: signature check not 200/401 on ${badSigning.map(([w, s]) => `${w} (${s.good}/${s.bad})`).join(', ')}`,
    );

  console.log(
    `\n7. /incident export of ${sup(exp.events)} events (${exp.cases.toLocaleString('en')} cases) while /incident arrives at ${exp.rate} req/s (open loop):\n` +
      '   the export from its command to the file shared in the DM (as the fake Web API saw it); the acks of the commands sent while it ran,\n' +
      '   against the same load with no export just before',
  );
  const ackRow = (what: string, a: ExportFigure['usual']) => [
    what,
    String(a.sent),
    `${ms(a.p50)} / ${ms(a.p99)}`,
    ms(a.max),
    String(a.refused),
    String(a.failed),
  ];
  console.log(
    table([
      ['/incident', 'sent', 'ack p50 / p99', 'slowest', 'refused', 'unanswered'],
      ackRow('no export', exp.usual),
      ackRow('during an export', exp.during),
    ]),
  );
  console.log(
    `  export (median of ${exp.rounds}): ${Number.isFinite(exp.exportMs) ? `${(exp.exportMs / 1000).toFixed(2)} s` : 'never finished'}` +
      `${exp.coveredByLoad ? '' : ' (an export outlasted the load sent with it: fewer commands ran during it)'}; ` +
      `server RSS ${mb(exp.rssBefore)} before, peak ${mb(exp.peakRss)}; event-loop delay p99 ${ms(exp.loopDelayP99)}, max ${ms(exp.loopDelayMax)}`,
  );
  const exportP99 = exp.during.p99;
  const exportLimit = exp.usual.p99 + 10;
  targets.push({
    what: `/incident during an export of ${sup(exp.events)} events: ack p99 and refusals`,
    measured: `${ms(exportP99, 1)} (no export: ${ms(exp.usual.p99, 1)}); ${exp.during.refused} refused, ${exp.during.failed} unanswered of ${exp.during.sent}`,
    limit: 'p99 <= usual + 10 ms, none refused',
    pass:
      exportP99 <= exportLimit &&
      exp.during.refused === 0 &&
      exp.during.failed === 0 &&
      exp.during.sent > 0,
  });

  console.log(
    `\n8. Restart after SIGKILL: ${restart.stored} /incident taken while Slack hung, the bot killed, Slack answering again (50 ms a call);\n` +
      '   a new process on the same database, timed from its spawn. PostgreSQL: the same on a fresh database (DATABASE_URL)' +
      (pgRestart ? '' : `, skipped: ${pgMissing ?? 'no server'}`),
  );
  const restarts: [string, RestartFigure][] = [
    ['SQLite', restart],
    ...(pgRestart ? [['PostgreSQL', pgRestart] as [string, RestartFigure]] : []),
  ];
  console.log(
    table([
      ['engine', 'taken', 'cases left unshown', 'ready (/healthz)', 'all shown', 'shown twice'],
      ...restarts.map(([engine, r]) => [
        engine,
        String(r.stored),
        String(r.pending),
        ms(r.readyMs, 0),
        ms(r.recoveredMs, 0),
        String(r.twice),
      ]),
    ]),
  );
  for (const [engine, r] of restarts)
    targets.push({
      what: `restart after SIGKILL${engine === 'SQLite' ? '' : ` on ${engine}`}: ${r.pending} cases left unshown all in Slack, exactly once`,
      measured: `${ms(r.recoveredMs, 0)}, ${r.twice} twice`,
      limit: '<= 15000 ms, none twice',
      pass: r.recoveredMs <= 15_000 && r.twice === 0 && r.pending > 0,
    });

  if (replicas) printReplicas(replicas.fig, replicas.sizes, targets);
  else if (pgMissing) console.log(`\n9. PostgreSQL replica rows skipped: ${pgMissing}`);

  console.log('\nTargets');
  console.log(
    table([
      ['target', 'measured', 'limit', ''],
      ...targets.map((t) => [t.what, t.measured, t.limit, t.pass ? 'PASS' : 'MISS']),
    ]),
  );

  const outDir = 'bench-results';
  mkdirSync(outDir, { recursive: true });
  const file = join(
    outDir,
    `bench-${quick ? 'quick-' : ''}${m.date.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}.json`,
  );
  const json = {
    mode: quick ? 'quick' : 'full',
    machine: m,
    params: P,
    seconds,
    requestPath: req,
    othersLoad: others,
    commits,
    reminderPath: { ticks: rem.ticks as TickFigure[], tickRatio, queryRatio, delivery: d },
    export: exp,
    restart,
    replicas: replicas?.fig ?? null,
    postgres: pgMissing ? { skipped: pgMissing } : { incident: req.pg, restart: pgRestart },
    startup: { bareMs: bareStart, amendsMs: amendsStart, ratio: startRatio },
    logs,
    targets,
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(
    `\n${targets.filter((t) => t.pass).length}/${targets.length} targets met in ${(seconds / 60).toFixed(1)} min; JSON: ${file}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  killChildren();
  process.exitCode = 1;
});
