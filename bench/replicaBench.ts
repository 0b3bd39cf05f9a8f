/**
 * Reminder delivery by replicas: N bot processes (dist/app/main.js, as `npm start` runs it, HTTP
 * mode) on one PostgreSQL database, each with its own bot token, against one fake Web API answering
 * in 50 ms (bench/lib/replicaSlack.ts, in this process). Run from bench/run.ts when a PostgreSQL
 * server is there.
 *
 * The data: `reminders` open cases spread over `channels` channels, each with its own_up step due
 * (seeded in SQLite by bench/lib/seed.ts, then copied into a template database with the db:copy
 * code); every row runs on a fresh copy of the template (CREATE DATABASE … TEMPLATE) and drops it
 * after. The bots plan the due steps into the outbox and post them, each channel paced to one
 * message a second across every process. They run a playbook whose working hours are the whole
 * day, every day, and the owners live where it is about noon (no morning digest): whenever the
 * bench runs, every reminder is due at once.
 *
 *  - Throughput: N = 1, 2, 4 replicas. The replicas' auth.test answers are held until all N have
 *    asked, so they finish starting together; the figure is the reminders posted (distinct metadata
 *    keys at the fake) per second from that moment to the last post. Duplicates: keys posted twice.
 *  - Failover: 2 replicas; once a share of the reminders is posted, the one holding the most claims
 *    is killed (SIGKILL). Its claims are read from the database; the figure is the time from the
 *    kill until every one of them was posted by the other replica (or found already posted by the
 *    dead one and recorded), and none twice.
 * The reminder tick runs every second (REMINDER_CRON), so a tick's start is never what is waited for.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { type Reminder, reminderKey } from '../src/domain/reminders.js';
import { copySqliteToPostgres } from '../src/store/copy.js';
import { openDatabase } from '../src/store/db.js';
import { openStore } from '../src/store/index.js';
import { ReminderRepo } from '../src/store/reminderRepo.js';
import { SECRET, sleep } from './lib/common.js';
import { type BenchDatabase, createDatabase, watchBackends } from './lib/pg.js';
import { freePort, onOutputLines } from './lib/procs.js';
import { type ReplicaSlack, startReplicaSlack } from './lib/replicaSlack.js';
import { seedProfiles, seedSteps } from './lib/seed.js';

export interface ReplicaArgs {
  /** The PostgreSQL server (a URL whose user may create databases). */
  readonly server: string;
  /** A temporary folder for the seed and the playbook. */
  readonly dir: string;
  readonly reminders: number;
  readonly channels: number;
  readonly replicas: readonly number[];
  readonly latencyMs: number;
  readonly failover: {
    readonly reminders: number;
    readonly channels: number;
    /** The kill comes once this share of the reminders is posted. */
    readonly killAt: number;
  };
  readonly seed: number;
  /** How long a row may go without a new post before it is called stuck. */
  readonly quietMs: number;
  readonly progress: (s: string) => void;
}

export interface ThroughputFigure {
  readonly replicas: number;
  readonly reminders: number;
  /** Distinct reminders posted (metadata keys). */
  readonly posted: number;
  /** Every reminder post the fake received. */
  readonly posts: number;
  /** Keys posted more than once. */
  readonly duplicates: number;
  /** From the replicas' start-up ending (auth.test released) to the first / last post. */
  readonly firstPostMs: number;
  readonly lastPostMs: number;
  /** Distinct reminders a second, from the release to the last post. */
  readonly perSecond: number;
  /** Posts by each replica (its token). */
  readonly byReplica: number[];
  /** The replicas' CPU (user + system) per reminder posted. */
  readonly cpuMsPerReminder: number;
  /** The database's backends' CPU per reminder (a server on this machine only). */
  readonly dbCpuMsPerReminder: number | null;
  /** The outbox at the end, rows by status. */
  readonly outbox: Record<string, number>;
  /** Web API calls by method. */
  readonly calls: Record<string, number>;
  /** What the replicas logged at warn or above, by message. */
  readonly problems: Record<string, number>;
  /** Sum of the replicas' "reminder tick" reports. */
  readonly planned: number;
}

export interface FailoverFigure {
  readonly reminders: number;
  readonly channels: number;
  /** Posted (distinct) when the replica was killed. */
  readonly postedAtKill: number;
  /** Claims the killed replica held. */
  readonly claims: number;
  /** Of those, posted by the killed replica before it died (the survivor must find them). */
  readonly postedByDead: number;
  /** From SIGKILL to the last of its unposted claims posted by the survivor (NaN: none to post). */
  readonly takenOverMs: number;
  /** From SIGKILL until none of its claims was left in flight in the database. */
  readonly settledMs: number;
  /**
   * From SIGKILL to the survivor's last post of a reminder that was not the dead one's: while it
   * has its own backlog to post, its tick goes on and the next tick's reconcile waits for it.
   */
  readonly backlogMs: number;
  /** Its claims never settled within the wait. */
  readonly unsettled: number;
  readonly duplicates: number;
  /** Every reminder of the row posted in the end. */
  readonly complete: boolean;
  readonly waitedMs: number;
  readonly calls: Record<string, number>;
  readonly problems: Record<string, number>;
}

export interface ReplicaFigure {
  readonly throughput: ThroughputFigure[];
  readonly failover: FailoverFigure | null;
  /** Seeding the template (SQLite seed + copy), per data set. */
  readonly seedMs: Record<string, number>;
  readonly tz: string;
}

export type ReplicaSizes = Omit<ReplicaArgs, 'server' | 'dir' | 'progress'>;

/** `npm run bench`: 10^5 reminders over 1,000 channels (100 each: 99 s at Slack's pace, at best). */
export const REPLICA_FULL: ReplicaSizes = {
  reminders: 100_000,
  channels: 1000,
  replicas: [1, 2, 4],
  latencyMs: 50,
  failover: { reminders: 10_000, channels: 1000, killAt: 0.2 },
  seed: 20261123,
  quietMs: 60_000,
};

/**
 * `--quick`: one reminder per channel, 1 and 2 replicas; the failover on 20 reminders over two
 * channels (paced: the killed replica still holds most of them).
 */
export const REPLICA_QUICK: ReplicaSizes = {
  ...REPLICA_FULL,
  reminders: 1000,
  replicas: [1, 2],
  failover: { reminders: 20, channels: 2, killAt: 0.2 },
  quietMs: 30_000,
};

/**
 * The sizes for `npm run bench` (`quick`: its --quick mode). AMENDS_BENCH_REPLICA_REMINDERS sets the
 * delivery rows' reminders (10^5 by default: on two cores each row takes many minutes).
 */
export function replicaSizes(quick: boolean): ReplicaSizes {
  const base = quick ? REPLICA_QUICK : REPLICA_FULL;
  const n = Number(process.env.AMENDS_BENCH_REPLICA_REMINDERS);
  return Number.isInteger(n) && n > 0 ? { ...base, reminders: n } : base;
}

const MAIN = fileURLToPath(new URL('../app/main.js', import.meta.url));

/** Reminders are due whatever the day and hour the bench runs: working hours all day, every day. */
const ALWAYS = { workingHours: { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] } };

/**
 * A zone where it is about noon now (Etc/GMT±N): ten hours inside the hours above either way, and
 * far from the first hour of the working day, when the morning digest would go out instead of
 * mentions, however long the rows run.
 */
function zoneAtNoon(now: Date): string {
  const k = 12 - now.getUTCHours();
  // POSIX signs: Etc/GMT-12 is 12 hours ahead of UTC.
  return k === 0 ? 'UTC' : k > 0 ? `Etc/GMT-${k}` : `Etc/GMT+${-k}`;
}

interface Replica {
  readonly proc: ChildProcess;
  readonly token: string;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Warnings and errors by message, and the sum of its tick reports. */
  readonly logs: Record<string, number>;
  readonly ticks: { planned: number; sent: number };
  readonly lines: string[];
}

const spawned = new Set<ChildProcess>();

function startReplica(o: {
  index: number;
  databaseUrl: string;
  slackApiUrl: string;
  playbook: string;
  dir: string;
  port: number;
}): Replica {
  const token = `xoxb-bench-replica-${o.index}`;
  const proc = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: o.slackApiUrl,
      PORT: String(o.port),
      DATABASE_URL: o.databaseUrl,
      DATABASE_PATH: join(o.dir, `unused-${o.index}.db`),
      PLAYBOOK: o.playbook,
      REMINDER_CRON: '* * * * * *',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(proc);
  const logs: Record<string, number> = {};
  const ticks = { planned: 0, sent: 0 };
  const lines: string[] = [];
  const exited = new Promise<void>((r) =>
    proc.once('exit', () => {
      spawned.delete(proc);
      r();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    onOutputLines(proc, (line) => {
      if (/running \(HTTP\) on port/.test(line)) resolve();
      let m: { level?: number; msg?: string; planned?: number; sent?: number } | null = null;
      try {
        m = JSON.parse(line);
      } catch {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        return;
      }
      if (m?.msg === 'reminder tick') {
        ticks.planned += m.planned ?? 0;
        ticks.sent += m.sent ?? 0;
      } else if (m?.msg && (m.level ?? 0) >= 40) logs[m.msg] = (logs[m.msg] ?? 0) + 1;
    });
    void exited.then(() =>
      reject(new Error(`replica ${o.index} exited before it was ready: ${lines.join('\n')}`)),
    );
  });
  ready.catch(() => {});
  return { proc, token, ready, exited, logs, ticks, lines };
}

/** SIGTERM (the bot drains), SIGKILL if it has not gone in 20 s. */
async function stopReplica(r: Replica): Promise<void> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  r.proc.kill('SIGTERM');
  const t = setTimeout(() => r.proc.kill('SIGKILL'), 20_000);
  await r.exited;
  clearTimeout(t);
}

/** Ends every replica still running (a row that failed). */
export function killReplicas(): void {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  spawned.clear();
}

function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function merge(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

/** The template database: the seed written to SQLite, then copied with the db:copy code. */
async function template(
  a: ReplicaArgs,
  tag: string,
  reminders: number,
  channels: number,
  tz: string,
): Promise<{ db: BenchDatabase; ms: number }> {
  const t0 = performance.now();
  const path = join(a.dir, `replicas-${tag}.db`);
  const db = openDatabase(path);
  const now = new Date();
  try {
    await seedProfiles(db, now, tz);
    seedSteps(db, {
      cases: reminders,
      channels,
      due: reminders,
      now,
      seed: a.seed + reminders,
      posted: true,
      history: false,
      shown: true,
    });
  } finally {
    db.close();
  }
  const tpl = await createDatabase(a.server, `tpl_${tag}`);
  try {
    await copySqliteToPostgres(path, tpl.url);
  } catch (e) {
    await tpl.drop();
    throw e;
  } finally {
    for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true });
  }
  return { db: tpl, ms: performance.now() - t0 };
}

interface Started {
  readonly replicas: Replica[];
  readonly fake: ReplicaSlack;
  /** performance.now() when the replicas' auth.test answers were let go. */
  readonly releasedAt: number;
}

async function startRow(
  a: ReplicaArgs,
  n: number,
  databaseUrl: string,
  playbook: string,
): Promise<Started> {
  const fake = await startReplicaSlack({ latencyMs: a.latencyMs });
  const release = fake.holdAuth(n);
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++)
    replicas.push(
      startReplica({
        index: i,
        databaseUrl,
        slackApiUrl: fake.url,
        playbook,
        dir: a.dir,
        port: await freePort(),
      }),
    );
  // Released by the fake once every replica asked, or after 30 s whatever happened.
  const late = setTimeout(release, 30_000);
  try {
    await Promise.all(replicas.map((r) => r.ready));
  } catch (e) {
    for (const r of replicas) r.proc.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    await fake.close();
    throw e;
  } finally {
    clearTimeout(late);
  }
  return { replicas, fake, releasedAt: fake.releasedAt };
}

async function outboxOf(url: string): Promise<{ counts: Record<string, number> }> {
  const store = await openStore({ url, path: '', playbook: DEFAULT_PLAYBOOK, poolSize: 1 });
  try {
    return { counts: await new ReminderRepo(store.conn).countsByStatus() };
  } finally {
    await store.close();
  }
}

/** What a row started, stopped (the replicas still running, then the fake), and its database dropped. */
async function tearDown(started: Started | null, db: BenchDatabase): Promise<void> {
  if (started) {
    for (const r of started.replicas) await stopReplica(r).catch(() => {});
    await started.fake.close();
  }
  await db.drop();
}

async function throughputRow(
  a: ReplicaArgs,
  n: number,
  tpl: BenchDatabase,
  playbook: string,
): Promise<ThroughputFigure> {
  const db = await createDatabase(a.server, `replicas${n}`, tpl.name);
  let started: Started | null = null;
  const cpu = await watchBackends(a.server, db.name);
  try {
    const s = await startRow(a, n, db.url, playbook);
    started = s;
    // Their start-up (loading, migrations checked) is not the delivery's.
    const cpuAtStart = s.replicas.reduce((t, r) => t + cpuMs(r.proc.pid), 0);
    const complete = await s.fake.waitForKeys(a.reminders, a.quietMs);
    // A duplicate would come late (a claim taken twice): the replicas run on a moment more.
    await sleep(2000);
    const botCpu = s.replicas.reduce((t, r) => t + cpuMs(r.proc.pid), 0) - cpuAtStart;
    const dbCpu = await cpu.stop();
    for (const r of s.replicas) await stopReplica(r);
    const { fake, releasedAt } = s;
    const posted = fake.byKey.size;
    const first = fake.posts[0]?.at ?? Number.NaN;
    const last = fake.posts.at(-1)?.at ?? Number.NaN;
    const problems: Record<string, number> = {};
    for (const r of s.replicas) merge(problems, r.logs);
    if (!complete) problems['row stopped: no new post for a while'] = 1;
    const fig: ThroughputFigure = {
      replicas: n,
      reminders: a.reminders,
      posted,
      posts: fake.posts.length,
      duplicates: [...fake.byKey.values()].filter((k) => k > 1).length,
      firstPostMs: first - releasedAt,
      lastPostMs: last - releasedAt,
      perSecond: posted / ((last - releasedAt) / 1000),
      byReplica: s.replicas.map((r) => fake.posts.filter((p) => p.token === r.token).length),
      cpuMsPerReminder: botCpu / Math.max(1, posted),
      dbCpuMsPerReminder: dbCpu === null ? null : dbCpu / Math.max(1, posted),
      outbox: (await outboxOf(db.url)).counts,
      calls: { ...fake.calls },
      problems,
      planned: s.replicas.reduce((t, r) => t + r.ticks.planned, 0),
    };
    a.progress(
      `${n} replica(s): ${posted} of ${a.reminders} posted in ${(fig.lastPostMs / 1000).toFixed(1)} s ` +
        `(${fig.perSecond.toFixed(0)}/s; by replica ${fig.byReplica.join(' / ')}), ${fig.duplicates} posted twice`,
    );
    return fig;
  } finally {
    await cpu.stop();
    await tearDown(started, db);
  }
}

async function failoverRow(
  a: ReplicaArgs,
  tpl: BenchDatabase,
  playbook: string,
): Promise<FailoverFigure> {
  const { reminders, channels, killAt } = a.failover;
  const db = await createDatabase(a.server, 'failover', tpl.name);
  let started: Started | null = null;
  const store = await openStore({ url: db.url, path: '', playbook: DEFAULT_PLAYBOOK, poolSize: 1 });
  try {
    const s = await startRow(a, 2, db.url, playbook);
    started = s;
    const { fake } = s;
    const target = Math.max(1, Math.floor(reminders * killAt));
    await fake.waitForKeys(target, a.quietMs);
    // The replica holding the most claims right now is the one killed.
    const pidOf = (r: Reminder) => /:(\d+):[0-9a-f]+$/.exec(r.claimedBy ?? '')?.[1];
    const held = new Map<string, number>();
    for (const r of await store.repos.reminders.inFlight()) {
      const pid = pidOf(r);
      if (pid) held.set(pid, (held.get(pid) ?? 0) + 1);
    }
    const victim =
      s.replicas.find(
        (r) => String(r.proc.pid) === [...held].sort((x, y) => y[1] - x[1]).map(([pid]) => pid)[0],
      ) ?? (s.replicas[0] as Replica);
    const survivor = s.replicas.find((r) => r !== victim) as Replica;
    const postedAtKill = fake.byKey.size;
    victim.proc.kill('SIGKILL');
    const killedAt = performance.now();
    await victim.exited;
    // What it held when it died: its claims cannot change any more.
    const claims = (await store.repos.reminders.inFlight()).filter(
      (r) => pidOf(r) === String(victim.proc.pid),
    );
    const keys = new Set(claims.map(reminderKey));
    const ids = new Set(claims.map((r) => r.id));
    const postedByDead = [...keys].filter((k) =>
      fake.posts.some((p) => p.key === k && p.token === victim.token),
    ).length;
    a.progress(
      `failover: killed a replica holding ${claims.length} claims (${postedByDead} of them already posted) at ${postedAtKill} of ${reminders} posted`,
    );
    // Waits until none of its claims is in flight and every one is posted; stops at a stall.
    let settledMs = Number.NaN;
    let lastSeen = performance.now();
    let progress = '';
    let unsettled = claims.length;
    for (;;) {
      const left = (await store.repos.reminders.inFlight()).filter((r) => ids.has(r.id)).length;
      const unposted = [...keys].filter((k) => !fake.byKey.has(k)).length;
      unsettled = Math.max(left, unposted);
      if (unsettled === 0) {
        settledMs = performance.now() - killedAt;
        break;
      }
      // Progress: a post, or one of its claims settled (a reconcile spaces its thread reads).
      const now = `${fake.byKey.size}/${left}`;
      if (now !== progress) {
        progress = now;
        lastSeen = performance.now();
      }
      // Nothing moved for a long while, and the dead one's claims not settled: give up waiting.
      if (performance.now() - lastSeen > Math.max(a.quietMs, 120_000)) break;
      await sleep(200);
    }
    const complete = await fake.waitForKeys(reminders, a.quietMs);
    await sleep(2000);
    const waitedMs = performance.now() - killedAt;
    await stopReplica(survivor);
    const byOther = fake.posts.filter((p) => keys.has(p.key) && p.token === survivor.token);
    const takenOverMs = byOther.length
      ? Math.max(...byOther.map((p) => p.at)) - killedAt
      : Number.NaN;
    let backlogAt = Number.NaN;
    for (const p of fake.posts)
      if (p.token === survivor.token && !keys.has(p.key) && !(p.at <= backlogAt)) backlogAt = p.at;
    const problems: Record<string, number> = {};
    for (const r of s.replicas) merge(problems, r.logs);
    return {
      reminders,
      channels,
      postedAtKill,
      claims: claims.length,
      postedByDead,
      takenOverMs,
      settledMs,
      backlogMs: backlogAt - killedAt,
      unsettled,
      duplicates: [...fake.byKey.values()].filter((k) => k > 1).length,
      complete,
      waitedMs,
      calls: { ...fake.calls },
      problems,
    };
  } finally {
    await store.close();
    await tearDown(started, db);
  }
}

export async function replicaBench(a: ReplicaArgs): Promise<ReplicaFigure> {
  const playbook = join(a.dir, 'always.playbook.json');
  writeFileSync(playbook, JSON.stringify(ALWAYS));
  const tz = zoneAtNoon(new Date());
  const seedMs: Record<string, number> = {};
  const throughput: ThroughputFigure[] = [];
  let failover: FailoverFigure | null = null;
  try {
    if (a.replicas.length > 0) {
      a.progress(
        `seeding ${a.reminders.toLocaleString('en')} due reminders over ${a.channels} channels, copied into PostgreSQL`,
      );
      const big = await template(a, 'big', a.reminders, a.channels, tz);
      seedMs.throughput = big.ms;
      a.progress(`seeded and copied in ${(big.ms / 1000).toFixed(1)} s`);
      try {
        for (const n of a.replicas) throughput.push(await throughputRow(a, n, big.db, playbook));
      } finally {
        await big.db.drop();
      }
    }
    const f = a.failover;
    if (f.reminders > 0) {
      const small = await template(a, 'failover', f.reminders, f.channels, tz);
      seedMs.failover = small.ms;
      try {
        failover = await failoverRow(a, small.db, playbook);
      } finally {
        await small.db.drop();
      }
    }
  } finally {
    killReplicas();
  }
  return { throughput, failover, seedMs, tz };
}
