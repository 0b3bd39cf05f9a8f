import type { DeliveryRun } from '../reminderBench.js';

/** Timer jitter allowed below the 1 s spacing before two posts count as a burst. */
export const TOLERANCE_MS = 10;

export interface DeliveryFigure extends DeliveryRun {
  readonly perChannelMax: number;
  /** (largest per-channel count - 1) x 1 s: the fastest Slack's limit allows. */
  readonly idealMs: number;
  readonly firstPostMs: number;
  readonly minGapMs: number;
  readonly meanGapMs: number;
  readonly toleranceMs: number;
  readonly bursts: number;
  /** Most posts seen in one channel within any 1-second window. */
  readonly maxPerChannelInOneSecond: number;
  readonly maxPerChannelRate: number;
}

/** Reads per-channel pacing from the times the fake Web API received each chat.postMessage. */
export function pacing(run: DeliveryRun, posts: { channel: string; at: number }[]): DeliveryFigure {
  const byChannel = new Map<string, number[]>();
  for (const p of posts) {
    const list = byChannel.get(p.channel) ?? [];
    list.push(p.at);
    byChannel.set(p.channel, list);
  }
  let minGap = Number.POSITIVE_INFINITY;
  let gapSum = 0;
  let gaps = 0;
  let bursts = 0;
  let perChannelMax = 0;
  let inOneSecond = 0;
  for (const times of byChannel.values()) {
    times.sort((a, b) => a - b);
    perChannelMax = Math.max(perChannelMax, times.length);
    let lo = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      if (i > 0) {
        const gap = t - (times[i - 1] as number);
        minGap = Math.min(minGap, gap);
        gapSum += gap;
        gaps++;
        if (gap < 1000 - TOLERANCE_MS) bursts++;
      }
      while (t - (times[lo] as number) >= 1000 - TOLERANCE_MS) lo++;
      inOneSecond = Math.max(inOneSecond, i - lo + 1);
    }
  }
  const first = posts.reduce((m, p) => Math.min(m, p.at), Number.POSITIVE_INFINITY);
  return {
    ...run,
    perChannelMax,
    idealMs: Math.max(0, perChannelMax - 1) * 1000,
    firstPostMs: Number.isFinite(first) ? first - run.startedAt : Number.NaN,
    minGapMs: Number.isFinite(minGap) ? minGap : Number.NaN,
    meanGapMs: gaps ? gapSum / gaps : Number.NaN,
    toleranceMs: TOLERANCE_MS,
    bursts,
    maxPerChannelInOneSecond: inOneSecond,
    maxPerChannelRate: Number.isFinite(minGap) && minGap > 0 ? 1000 / minGap : Number.NaN,
  };
}
