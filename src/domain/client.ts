/**
 * The client as a record, per workspace: who to write to (a contact person and an email), the time
 * zone and language to write in, and where meetings usually happen. Cases link to it; a client is
 * found again by its name compared without case or accents (clientKey, the report's grouping).
 */
import { DomainError } from './errors.js';
import { chars, LIMITS } from './recoveryCase.js';
import { isValidTimeZone } from './workingTime.js';

export interface ClientDetails {
  /** The person the message is addressed to. */
  readonly contact: string | null;
  readonly email: string | null;
  /** IANA zone: every time written for the client is in it. */
  readonly tz: string | null;
  /** The language the client is written to in (a catalog language). */
  readonly lang: string | null;
  /** Where meetings with this client usually happen: the invite's place by default. */
  readonly place: string | null;
}

export interface Client extends ClientDetails {
  readonly id: number;
  readonly teamId: string;
  /** clientKey(name): unique per workspace. */
  readonly key: string;
  /** The name as last typed. */
  readonly name: string;
  readonly updatedAt: Date;
}

export const NO_DETAILS: ClientDetails = {
  contact: null,
  email: null,
  tz: null,
  lang: null,
  place: null,
};

export const CLIENT_LIMITS = { contact: 150, email: 254, place: 300 } as const;

/**
 * An email address as a person types one (RFC 5322 dot-atom, UTF-8 allowed as RFC 6531 does): one
 * `@`, no spaces, no quoting or comments, a domain with a dot and no empty label.
 */
export function isEmail(s: string): boolean {
  if (chars(s) > CLIENT_LIMITS.email) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const atom = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
  if (chars(local) > 64 || !local.split('.').every((p) => atom.test(p))) return false;
  const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => label.test(l));
}

/**
 * The details a form gave, checked: trimmed, empty as null; a bad email or an unknown zone (or a
 * language not in `langs`) throws DomainError('invalid_input', 'client_email' | 'client_tz' | ...).
 */
export function checkClientDetails(
  raw: { readonly [K in keyof ClientDetails]?: string | null },
  langs: readonly string[],
): ClientDetails {
  const clean = (s: string | null | undefined) => {
    const v = (s ?? '').trim().replace(/\s+/g, ' ');
    return v === '' ? null : v;
  };
  const contact = clean(raw.contact);
  const email = clean(raw.email);
  const tz = clean(raw.tz);
  const lang = clean(raw.lang);
  const place = clean(raw.place);
  if (contact && chars(contact) > CLIENT_LIMITS.contact)
    throw new DomainError('invalid_input', 'client_contact_too_long');
  if (email && !isEmail(email)) throw new DomainError('invalid_input', 'client_email');
  if (tz && !isZoneName(tz)) throw new DomainError('invalid_input', 'client_tz');
  if (lang && !langs.includes(lang)) throw new DomainError('invalid_input', 'client_lang');
  if (place && chars(place) > CLIENT_LIMITS.place)
    throw new DomainError('invalid_input', 'client_place_too_long');
  return { contact, email, tz: tz ? canonicalZone(tz) : null, lang, place };
}

/** A zone Intl knows by name ("Europe/Rome", "UTC"), not an offset like "+02:00". */
function isZoneName(tz: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_/+-]*$/.test(tz) && isValidTimeZone(tz);
}

/** The runtime's spelling of a zone ("america/new_york" → "America/New_York"). */
export function canonicalZone(tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

/** A client name as typed, checked as a case's client is. */
export function clientName(name: string): string {
  const n = name.trim().replace(/\s+/g, ' ');
  if (!n) throw new DomainError('invalid_input', 'client');
  if (chars(n) > LIMITS.client) throw new DomainError('invalid_input', 'client_too_long');
  return n;
}

/** A meeting's place and length, chosen when it is booked. */
export interface MeetingDetails {
  readonly place: string | null;
  readonly minutes: number;
}

export const MEETING_LENGTHS = [15, 30, 45, 60, 90, 120] as const;
export const DEFAULT_MEETING_LENGTH = 60;

export function checkMeetingDetails(
  place: string | null | undefined,
  minutes: unknown,
): MeetingDetails {
  const p = (place ?? '').trim().replace(/\s+/g, ' ');
  if (chars(p) > CLIENT_LIMITS.place)
    throw new DomainError('invalid_input', 'meeting_place_too_long');
  const m = typeof minutes === 'string' ? Number(minutes) : minutes;
  if (!(MEETING_LENGTHS as readonly unknown[]).includes(m))
    throw new DomainError('invalid_input', 'meeting_length');
  return { place: p || null, minutes: m as number };
}
