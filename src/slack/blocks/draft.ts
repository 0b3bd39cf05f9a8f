import type { Client } from '../../domain/client.js';
import type { RecoveryCase } from '../../domain/recoveryCase.js';
import { type Catalog, t as catalog, isLang, type Lang } from '../../i18n/index.js';
import { ACTION } from '../ids.js';
import { clip, dateToken, md, mention } from './format.js';

const LOCALE: Record<Lang, string> = { en: 'en-GB', it: 'it-IT', el: 'el-GR', ca: 'ca-ES' };

/**
 * A date as the client reads it in an email: spelled out in the client's language and zone. With
 * the time, the zone is named too ("11 December 2026 at 09:30 (Eastern Time)"): a reader in
 * another zone is never left to guess whose 09:30 it is.
 */
export function letterDate(t: Date, lang: Lang, tz: string, withTime = false): string {
  const date = new Intl.DateTimeFormat(LOCALE[lang], {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: tz,
  }).format(t);
  return withTime ? `${date} (${zoneName(t, lang, tz)})` : date;
}

/**
 * The zone's name as the reader's language says it inside a sentence ("Eastern Time", "ora
 * dell’Europa centrale", "ώρα Κεντρικής Ευρώπης"): Italian, Greek and Catalan write the common noun
 * that opens it in lower case mid-sentence. Where the runtime has no generic name and falls back
 * to the country in punctuation ("Hora de: Regne Unit", "Ώρα (Ηνωμένο Βασίλειο)"), the zone's
 * specific name is used ("Hora del meridià de Greenwich"), unless that is only an offset.
 */
export function zoneName(t: Date, lang: Lang, tz: string): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 'UTC';
  const named = (style: 'longGeneric' | 'long') =>
    new Intl.DateTimeFormat(LOCALE[lang], { timeZone: tz, timeZoneName: style })
      .formatToParts(t)
      .find((p) => p.type === 'timeZoneName')?.value;
  let name = named('longGeneric') ?? tz;
  if (/[:()]/.test(name)) {
    const specific = named('long');
    if (specific && !/^GMT/.test(specific)) name = specific;
  }
  return lang === 'en' ? name : name.charAt(0).toLocaleLowerCase(LOCALE[lang]) + name.slice(1);
}

/** Who the message is to and how to write to them: from the client's record, else the case's. */
export interface Recipient {
  /** The greeting's name: the contact person, else the client's name. */
  readonly name: string;
  /** The name is a person's (the contact), not the company's: the greeting says so. */
  readonly person: boolean;
  readonly email: string | null;
  readonly lang: Lang;
  readonly tz: string;
}

/** The draft's reader: the client record's contact, language and zone, each else the case's. */
export function recipientOf(
  c: RecoveryCase,
  client: Pick<Client, 'contact' | 'email' | 'lang' | 'tz'> | null,
): Recipient {
  const lang = client?.lang && isLang(client.lang) ? client.lang : (c.lang as Lang);
  return {
    name: client?.contact ?? c.client,
    person: !!client?.contact,
    email: client?.email ?? null,
    lang,
    tz: client?.tz ?? c.tz,
  };
}

export interface Draft {
  readonly subject: string;
  readonly body: string;
}

/** Outline text as a sentence in the letter: ended with a full stop unless it has its own ending. */
function sentence(text: string, lang: Lang): string {
  const trimmed = text.trim();
  // Starts with a capital, as a sentence in a letter does (the form's text is often lower case).
  const t = trimmed.charAt(0).toLocaleUpperCase(lang) + trimmed.slice(1);
  // A closing bracket or quote ends a sentence only after its own stop; ';' is Greek's '?'.
  return /[.!?…;][)"»”’]*$/u.test(t) ? t : `${t}.`;
}

/**
 * The two-sentence summary after "In short:": a colon is followed by a small letter in all four
 * languages, so a capitalised first word is lowered ("In breve: vi abbiamo…"), unless it is a name:
 * a word of the client's name, one with more capitals than its first (ACME, McKay), or English "I".
 */
function afterColon(text: string, lang: Lang, client: string): string {
  const s = sentence(text, lang);
  const word = /^\p{L}+/u.exec(s)?.[0] ?? '';
  const ordinary =
    word !== '' &&
    word.slice(1) === word.slice(1).toLocaleLowerCase(lang) &&
    !(lang === 'en' && word === 'I');
  const named = client.split(/[^\p{L}\p{N}]+/u).includes(word);
  return ordinary && !named ? s.charAt(0).toLocaleLowerCase(lang) + s.slice(1) : s;
}

/**
 * The message to the client, built from what the case stores, in our own words (no external
 * service), addressed to the client's contact in the client's language, every time in the client's
 * zone with the zone named (`to`: recipientOf; default the case's client, language and zone): an
 * apology that names the harm, what happened in the outline's two sentences, what has changed and
 * what will, the compensation if one was decided, how the client will be warned next time, and an
 * offer to meet. Once the client has accepted, it neither apologises nor offers compensation again,
 * and a meeting already past is never called planned. Null while there is no outline.
 */
export function buildDraft(
  c: RecoveryCase,
  ownerName: string,
  now: Date,
  to: Recipient = recipientOf(c, null),
): Draft | null {
  const o = c.outline;
  if (!o) return null;
  const { lang, tz } = to;
  const d = catalog(lang).draft;
  const accepted = c.answer === 'accepted';
  // Once the apology is on record (a message sent, or said at the meeting), a later message
  // follows it up instead of apologising in full again.
  const apologized = c.steps.some((s) => s.key === 'apologize' && s.status === 'done');
  const done = c.changes.filter((x) => x.status === 'done');
  const open = c.changes.filter((x) => x.status === 'open');
  const parts: string[] = [to.person ? d.greetingPerson(to.name) : d.greeting(to.name)];
  if (accepted) parts.push(done.length ? d.afterAccepted : d.afterAcceptedPending);
  else if (apologized) parts.push(done.length ? d.followUp : d.followUpPending);
  else
    parts.push(
      d.apology(sentence(o.happened, lang)),
      d.inShort(afterColon(o.summary, lang, c.client)),
    );
  if (done.length) parts.push([d.changed, ...done.map((x) => `- ${x.what}`)].join('\n'));
  if (open.length)
    parts.push(
      [
        d.willChange,
        ...open.map((x) => `- ${x.what}${x.by ? ` (${d.by(letterDate(x.by, lang, tz))})` : ''}`),
      ].join('\n'),
    );
  if (!done.length && !open.length) parts.push(d.prevention(sentence(o.prevention, lang)));
  // Compensation is offered once, before the client's answer: never again after they accepted.
  const comp = c.steps.find((s) => s.key === 'compensation');
  if (!accepted && comp?.status === 'done' && comp.note) parts.push(d.compensation(comp.note));
  parts.push(d.warning);
  // Only a meeting still to come is "planned"; after one has taken place, or the answer, a new
  // conversation is offered without asking for the one that already happened.
  const next = [c.meetingAt, c.fixMeetingAt]
    .filter((x): x is Date => !!x && x > now)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (next) parts.push(d.meetAt(letterDate(next, lang, tz, true)));
  else if (accepted || (c.meetingAt && c.meetingAt <= now)) parts.push(d.talkAgain);
  else parts.push(d.meet);
  parts.push(d.signOff(ownerName));
  // The subject claims changes only when some are done; after acceptance it is an update, not an
  // apology.
  const subject = accepted
    ? d.subjectUpdate(c.client)
    : done.length
      ? d.subjectChanged(c.client)
      : d.subjectText(c.client);
  return { subject, body: parts.join('\n\n') };
}

/** Keeps a `mailto:` link short enough for every mail client and Slack (2,000 characters). */
export const MAILTO_MAX = 2000;

/**
 * A `mailto:` link with subject and body filled in (RFC 6068: percent-encoded UTF-8, line breaks
 * as %0D%0A). A body too long for the limit is cut at a character boundary (never inside a
 * surrogate pair or a percent escape) and `clipped` says so. Never throws: a lone surrogate (on
 * which encodeURIComponent throws) is encoded as U+FFFD.
 */
export function mailtoLink(
  d: Draft,
  max = MAILTO_MAX,
  /** The recipient's address (an addr-spec: RFC 6068 carries no display name), or none. */
  to: string | null = null,
): { url: string; clipped: boolean } {
  const enc = (s: string) => encodeURIComponent(s.toWellFormed().replace(/\r?\n/g, '\r\n'));
  const subject = enc(clip(d.subject, 200));
  // In the address every character but letters, digits and -._~!$'()*+,;=:@ is percent-encoded
  // (RFC 6068 section 2: `%`, `?`, `&`, `#` and non-ASCII among them); the `@` stays.
  const addr = to ? to.split('@').map(enc).join('@') : '';
  const make = (body: string) => `mailto:${addr}?subject=${subject}&body=${enc(body)}`;
  const full = make(d.body);
  if (full.length <= max) return { url: full, clipped: false };
  // Binary search on the number of code points kept.
  const chars = [...d.body.toWellFormed()];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (make(`${chars.slice(0, mid).join('')}…`).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return { url: make(`${chars.slice(0, lo).join('')}…`), clipped: true };
}

/**
 * The posted draft once its "Mark as sent" was used: the button gone, and a line saying who used it
 * and when in its place. `blocks` are the draft's as Slack sent them with the click.
 */
export function draftUsed(
  blocks: readonly unknown[],
  cat: Catalog,
  who: string,
  at: Date,
): { text: string; blocks: unknown[] } {
  const isSent = (e: unknown) => (e as { action_id?: string }).action_id === ACTION.draftSent;
  const kept: unknown[] = [];
  for (const b of blocks) {
    const block = b as { type?: string; elements?: unknown[] };
    if (block.type === 'actions' && Array.isArray(block.elements) && block.elements.some(isSent)) {
      const rest = block.elements.filter((e) => !isSent(e));
      if (rest.length) kept.push({ ...block, elements: rest });
      continue;
    }
    kept.push(b);
  }
  const text = cat.corrections.sentUsed(mention(who), dateToken(at));
  kept.push({ type: 'context', block_id: 'draft_sent', elements: [md(text)] });
  return { text, blocks: kept };
}
