/**
 * `/incident export` of a large workspace while commands keep arriving (bench/run.ts, section 7).
 * Amends (as startBot runs it, in its own process) on a database of `events` events over cases of
 * ten; the fake Web API in its own process. First `/incident` at `rate` req/s with no export (the
 * usual acks); then `rounds` times the same load again, and an admin's `/incident export` sent into
 * it. Figures:
 * the export's time (command sent → the file shared in the DM, as the fake Web API saw it), the
 * server's resident memory before and its peak, and the acks of the commands sent while the export
 * ran: p50/p99 and how many were refused (a "busy" ack or a 503) or unanswered.
 */
import { join } from 'node:path';
import { slashCommandBody } from '../src/sandbox/slackRequests.js';
import { openDatabase } from '../src/store/db.js';
import type { FromFake } from './fakeApi.js';
import {
  channelId,
  median,
  monoMs,
  percentile,
  sleep,
  TEAM,
  USER_COUNT,
  userId,
} from './lib/common.js';
import { commandBodies, type Outcome, post, runFixedRate, signedHeaders } from './lib/load.js';
import type { Child } from './lib/procs.js';
import { seedHistory, seedProfiles } from './lib/seed.js';
import type { FromServer, ServerArgs } from './server.js';

export interface ExportBenchArgs {
  readonly dir: string;
  readonly events: number;
  readonly rate: number;
  readonly connections: number;
  /** The load with no export, then the load each export is sent into (it must outlast the export). */
  readonly usualSeconds: number;
  readonly loadSeconds: number;
  /** Exports one after the other, each into its own load: more commands sent during one. */
  readonly rounds: number;
  readonly seed: number;
  readonly fake: Child<FromFake>;
  readonly api: { url: string; responseUrlBase: string };
  readonly port: number;
  readonly start: (args: ServerArgs) => Promise<Child<FromServer>>;
}

export interface AckFigure {
  readonly sent: number;
  readonly accepted: number;
  /** "busy" acks and 503s. */
  readonly refused: number;
  /** No answer, or another status. */
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ExportFigure {
  readonly events: number;
  readonly cases: number;
  readonly seedMs: number;
  readonly rounds: number;
  /** From sending the command to the file being shared in the person's DM (NaN: never), the median. */
  readonly exportMs: number;
  readonly rssBefore: number;
  readonly peakRss: number;
  /** The server's event-loop delay while the export ran (and the load around it): p99 and max. */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  readonly rate: number;
  /** Commands at the same rate with no export. */
  readonly usual: AckFigure;
  /** Commands sent while an export ran (every round). */
  readonly during: AckFigure;
  /** Each export finished before the load it was sent into ended (else `during` is cut short). */
  readonly coveredByLoad: boolean;
}

interface Answer {
  readonly sentAt: number;
  readonly outcome: Outcome;
  readonly ms: number;
}

function acks(answers: readonly Answer[]): AckFigure {
  const ok = Float64Array.from(
    answers.filter((a) => a.outcome === 'accepted').map((a) => a.ms),
  ).sort();
  return {
    sent: answers.length,
    accepted: ok.length,
    refused: answers.filter((a) => a.outcome === 'busy' || a.outcome === '503').length,
    failed: answers.filter((a) => a.outcome === 'error' || a.outcome === 'other').length,
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: ok.length ? (ok[ok.length - 1] as number) : Number.NaN,
  };
}

/** Runs the open-loop command load for `seconds`, keeping each answer with its send time. */
async function commandLoad(
  o: ExportBenchArgs,
  url: string,
  tag: string,
  seconds: number,
): Promise<Answer[]> {
  const sentAt = new Map<string, number>();
  const answers: Answer[] = [];
  await runFixedRate(
    url,
    o.rate,
    o.connections,
    seconds,
    commandBodies(`${o.api.responseUrlBase}bench`, tag),
    {
      onSend: (body, at) => sentAt.set(body, at),
      onAnswer: (body, outcome, ms) => {
        answers.push({ sentAt: sentAt.get(body) ?? Number.NaN, outcome, ms });
        sentAt.delete(body);
      },
    },
  );
  return answers;
}

/** How many files the fake Web API has seen shared (files.completeUploadExternal). */
async function uploads(fake: Child<FromFake>): Promise<number> {
  fake.send({ type: 'calls' });
  return (await fake.next('calls')).byMethod['files.completeUploadExternal'] ?? 0;
}

/**
 * One export sent into the command load: its time (NaN when it never finished), and the answers to
 * the commands sent while it ran.
 */
async function exportRound(
  o: ExportBenchArgs,
  url: string,
  round: number,
): Promise<{ exportMs: number; during: Answer[]; coveredByLoad: boolean }> {
  // The export goes in once the load runs; its end is seen at the fake Web API.
  const shared = await uploads(o.fake);
  const loading = commandLoad(o, url, `xd${String.fromCharCode(97 + round)}`, o.loadSeconds);
  await sleep(300);
  const body = slashCommandBody({
    teamId: TEAM,
    userId: userId(0), // the bench's workspace admin
    channelId: channelId(0),
    text: 'export',
    responseUrl: `${o.api.responseUrlBase}bench`,
    triggerId: `${Date.now()}.export${round}`,
  });
  const startedAt = monoMs();
  void post(url, body, signedHeaders(body));
  let endedAt = Number.NaN;
  let giveUp = false;
  const polling = (async () => {
    while (!giveUp) {
      if ((await uploads(o.fake)) > shared) {
        endedAt = monoMs();
        return;
      }
      await sleep(20);
    }
  })();
  const answers = await loading;
  const coveredByLoad = !Number.isNaN(endedAt);
  // An export that outlasts the load is waited for (two minutes at most), so its time is known.
  const timer = setTimeout(() => {
    giveUp = true;
  }, 120_000);
  await polling;
  clearTimeout(timer);
  const end = Number.isNaN(endedAt) ? Number.POSITIVE_INFINITY : endedAt;
  return {
    exportMs: endedAt - startedAt,
    during: answers.filter((a) => a.sentAt >= startedAt && a.sentAt <= end),
    coveredByLoad,
  };
}

export async function exportBench(o: ExportBenchArgs): Promise<ExportFigure> {
  const dbPath = join(o.dir, 'export.db');
  const db = openDatabase(dbPath);
  const now = new Date();
  await seedProfiles(db, now);
  const seeded = seedHistory(db, {
    teamId: TEAM,
    events: o.events,
    perCase: 10,
    channels: Array.from({ length: 50 }, (_, i) => channelId(i)),
    users: Array.from({ length: USER_COUNT }, (_, i) => userId(i)),
    from: new Date(now.getTime() - 400 * 86_400_000),
    seed: o.seed,
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  const server = await o.start({
    kind: 'amends',
    port: o.port,
    dbPath,
    slackApiUrl: o.api.url,
  });
  try {
    const url = `http://127.0.0.1:${o.port}/slack/events`;
    const usual = await commandLoad(o, url, 'xu', o.usualSeconds);
    server.send({ type: 'stats' });
    const before = await server.next('stats');
    const during: Answer[] = [];
    const times: number[] = [];
    let coveredByLoad = true;
    for (let round = 0; round < o.rounds; round++) {
      const r = await exportRound(o, url, round);
      during.push(...r.during);
      times.push(r.exportMs);
      coveredByLoad &&= r.coveredByLoad;
    }
    server.send({ type: 'stats' });
    const after = await server.next('stats');
    return {
      events: seeded.events,
      cases: seeded.cases,
      seedMs: seeded.ms,
      rounds: o.rounds,
      exportMs: median(times),
      rssBefore: before.rss,
      peakRss: after.peakRss,
      loopDelayP99: after.loopDelay.p99,
      loopDelayMax: after.loopDelay.max,
      rate: o.rate,
      usual: acks(usual),
      during: acks(during),
      coveredByLoad,
    };
  } finally {
    await server.stop();
  }
}
