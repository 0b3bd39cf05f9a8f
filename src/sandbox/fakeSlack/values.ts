/** Small helpers every part of the fake Slack shares: Slack's error codes and argument readers. */
import type { Args } from './types.js';

export const PERMALINK_HOST = 'https://fake.slack.test';
export const APP_ID = 'AFAKEAPP01';

/** A Slack error code; the HTTP layer answers it as `{ ok: false, error }`. */
export class SlackError extends Error {}
export const fail = (code: string): never => {
  throw new SlackError(code);
};

export const str = (a: Args, k: string): string | undefined => {
  const v = a[k];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};
export const truthy = (v: unknown): boolean =>
  v === true || v === 1 || (typeof v === 'string' && v !== '' && v !== 'false' && v !== '0');
export const isObject = (v: unknown): v is Args =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Real current UTC offset (seconds) and long label of an IANA zone. */
export function zoneInfo(tz: string, at: Date): { offset: number; label: string } {
  const part = (style: 'longOffset' | 'long') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { offset, label: part('long') };
}
