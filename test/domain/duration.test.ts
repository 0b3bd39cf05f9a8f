import { describe, expect, it } from 'vitest';
import {
  addDuration,
  type Duration,
  formatDuration,
  parseDuration,
} from '../../src/domain/duration.js';
import { DEFAULT_WORKING_HOURS } from '../../src/domain/workingTime.js';

describe('parseDuration', () => {
  it.each<[string, Duration | null]>([
    ['30m', { amount: 30, unit: 'm' }],
    ['2h', { amount: 2, unit: 'h' }],
    ['7d', { amount: 7, unit: 'd' }],
    ['4wh', { amount: 4, unit: 'wh' }],
    ['1wd', { amount: 1, unit: 'wd' }],
    ['1.5h', { amount: 1.5, unit: 'h' }],
    ['0.5wh', { amount: 0.5, unit: 'wh' }],
    [' 2h ', { amount: 2, unit: 'h' }],
    ['2 h', { amount: 2, unit: 'h' }],
    ['10000h', { amount: 10_000, unit: 'h' }],
    ['10001h', null],
    ['0h', null],
    ['0.0wd', null],
    ['-1h', null],
    ['+1h', null],
    ['1.5d', null],
    ['1.5wd', null],
    ['2', null],
    ['h', null],
    ['2H', null],
    ['2 hours', null],
    ['2w', null],
    ['2hh', null],
    ['1e3h', null],
    ['.5h', null],
    ['', null],
  ])('parseDuration(%j) → %j', (s, expected) => {
    expect(parseDuration(s)).toEqual(expected);
  });

  it.each(['30m', '2h', '7d', '4wh', '1wd', '1.5h'])('formatDuration round-trips %s', (s) => {
    const d = parseDuration(s);
    expect(d).not.toBeNull();
    expect(formatDuration(d as Duration)).toBe(s);
  });
});

describe('addDuration', () => {
  const wh = DEFAULT_WORKING_HOURS;
  const d = (s: string): Duration => {
    const r = parseDuration(s);
    if (!r) throw new Error(s);
    return r;
  };

  it.each([
    // from, duration, tz, expected, why
    [
      '2026-03-29T00:30:00Z',
      '2h',
      'Europe/Rome',
      '2026-03-29T02:30:00Z',
      'hours are elapsed time across the jump',
    ],
    [
      '2026-03-29T00:30:00Z',
      '90m',
      'Europe/Rome',
      '2026-03-29T02:00:00Z',
      'minutes are elapsed time',
    ],
    [
      '2026-03-28T09:00:00Z',
      '1d',
      'Europe/Rome',
      '2026-03-29T08:00:00Z',
      'a day keeps 10:00 local (23 h)',
    ],
    [
      '2026-10-24T08:00:00Z',
      '1d',
      'Europe/Rome',
      '2026-10-25T09:00:00Z',
      'a day keeps 10:00 local (25 h)',
    ],
    [
      '2026-03-02T15:00:00Z',
      '7d',
      'America/New_York',
      '2026-03-09T14:00:00Z',
      'a week keeps 10:00 local',
    ],
    [
      '2026-01-09T15:00:00Z',
      '4wh',
      'Europe/Rome',
      '2026-01-12T10:00:00Z',
      'Fri 16:00 + 4wh = Mon 11:00',
    ],
    [
      '2026-03-27T09:00:00Z',
      '1wd',
      'Europe/Rome',
      '2026-03-30T08:00:00Z',
      'Fri 10:00 CET + 1wd = Mon 10:00 CEST',
    ],
  ])('%s + %s in %s → %s (%s)', (from, dur, tz, expected) => {
    expect(addDuration(new Date(from), d(dur), wh, tz).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });
});
