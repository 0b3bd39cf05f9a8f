import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import type { FakeSlack, FakeUser } from '../../src/sandbox/fakeSlack.js';

/** Everything the benchmark's processes share: ids, the signing secret, a seeded PRNG. */
export const SECRET = 'bench-signing-secret-0123456789abcdef';
export const TEAM = 'T0BENCH01';
export const BOT_USER = 'U0BENCHBOT';
export const BOT_ID = 'B0BENCHBOT';
export const BOT_TOKEN = 'xoxb-bench-token';
/** Slack gives an app 3 seconds to acknowledge; the bench's client gives up after 10. */
export const REQUEST_TIMEOUT_S = 10;

export const channelId = (i: number): string => `C0BENCH${String(i).padStart(4, '0')}`;
export const userId = (i: number): string => `U0BENCH${String(i).padStart(4, '0')}`;

export const USER_COUNT = 200;
const ZONES = ['Europe/Rome', 'Europe/Athens', 'America/New_York', 'UTC', 'Europe/Madrid'];
export const users = (n = USER_COUNT): FakeUser[] =>
  Array.from({ length: n }, (_, i) => ({
    id: userId(i),
    name: `user${i}`,
    tz: ZONES[i % ZONES.length] as string,
    locale: 'en-US',
    // The first is a workspace admin: `/incident export` is theirs (bench/exportBench.ts).
    ...(i === 0 ? { admin: true } : {}),
  }));

/** mulberry32: small, fast and good enough to pick names and times reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, xs: readonly T[]): T =>
  xs[Math.floor(rand() * xs.length)] as T;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Nearest-rank percentile of a sorted sample. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Peak resident set size of this process so far (VmHWM on Linux, else the sampled maximum). */
export function peakRssBytes(sampledMax = 0): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1]) return Math.max(Number(m[1]) * 1024, sampledMax);
  } catch {
    // not Linux: the sampled maximum is all there is
  }
  return Math.max(sampledMax, process.memoryUsage.rss());
}

/** Samples RSS every `everyMs` so the peak is known even where VmHWM is not. */
export function rssSampler(everyMs = 50): { max(): number; stop(): void } {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > max) max = r;
  }, everyMs);
  timer.unref();
  return { max: () => max, stop: () => clearInterval(timer) };
}

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly node: string;
  readonly os: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** A weekday inside the default working hours (09:00-18:00 UTC): reminders are not held for the morning. */
export const WORKING_INSTANT = Date.parse('2026-11-24T10:00:00Z');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC on Linux), with sub-millisecond
 * resolution. Unlike performance.now() it has the same origin in every process of the machine, so
 * the load generator's send time and the fake Web API's arrival time can be subtracted.
 */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * The client name a benchmark /incident carries (`Arr<tag><n>`): unique per request, and it shows up
 * in the text of the parent message the bot posts, so the fake Web API can tell which command a
 * post answers.
 */
export const arrivalClient = (tag: string, n: number): string => `Arr${tag}${n}`;
export const ARRIVAL_KEY = /\bArr([a-z]+\d+)\b/;

/** What a bench child sends its parent when it fails. */
export type ChildFailed = { type: 'result'; ok: false; message: string };

/** A bench child's failure, sent to its parent (with the stack when there is one); it exits 1. */
export function reportFailure(e: unknown): void {
  process.send?.({
    type: 'result',
    ok: false,
    message: e instanceof Error ? (e.stack ?? e.message) : String(e),
  } satisfies ChildFailed);
  process.exitCode = 1;
}

/** How many of the fake's posts carry `type` metadata, by case (amends_case: the case's parent). */
export function postsByCase(fake: Pick<FakeSlack, 'messages'>, type: string): Map<number, number> {
  const by = new Map<number, number>();
  for (const m of fake.messages)
    if (m.metadata?.event_type === type) {
      const id = Number(m.metadata.event_payload.case_id);
      by.set(id, (by.get(id) ?? 0) + 1);
    }
  return by;
}
