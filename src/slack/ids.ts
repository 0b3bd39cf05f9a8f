import { STEP_KEYS, type StepKey } from '../domain/playbook.js';
import { SNOOZE_CHOICES, type SnoozeChoice } from '../services/cases.js';

/** Every action_id the bot's buttons carry. The case and step travel in the button's `value`. */
export const ACTION = {
  done: 'amends_step_done',
  snooze: 'amends_step_snooze',
  skip: 'amends_step_skip',
  meeting: 'amends_step_meeting',
  outline: 'amends_step_outline',
  compensation: 'amends_step_compensation',
  accepted: 'amends_case_accepted',
  refused: 'amends_case_refused',
  close: 'amends_case_close',
  moreFollowUps: 'amends_case_more',
  followUp: 'amends_step_follow_up',
  moveCase: 'amends_case_move',
  newCase: 'amends_home_new_case',
  language: 'amends_home_language',
  addChange: 'amends_change_add',
  changeDone: 'amends_change_done',
  changeDrop: 'amends_change_drop',
  draft: 'amends_case_draft',
  draftSent: 'amends_case_draft_sent',
  moveMeeting: 'amends_case_move_meeting',
  moveFixMeeting: 'amends_case_move_fix_meeting',
  /** On the thread line of the last click: takes it back (for a few minutes). */
  undo: 'amends_case_undo',
  /** The parent's overflow menu of less frequent actions (owner, severity, outline, meeting). */
  caseMenu: 'amends_case_menu',
} as const;

/** callback_id of every modal. */
export const VIEW = {
  open: 'amends_open_case',
  outline: 'amends_outline',
  meeting: 'amends_meeting',
  skip: 'amends_skip',
  compensation: 'amends_compensation',
  close: 'amends_close',
  followUp: 'amends_follow_up',
  move: 'amends_move',
  addChange: 'amends_add_change',
  dropChange: 'amends_drop_change',
  draft: 'amends_draft',
  owner: 'amends_change_owner',
  severity: 'amends_change_severity',
  cancelMeeting: 'amends_cancel_meeting',
} as const;

/** callback_id of the shortcuts (manifest.yml declares them). */
export const SHORTCUT = {
  /** On a message: open a case from it. */
  fromMessage: 'amends_case_from_message',
  /** From anywhere (the shortcuts menu, search): the empty form. */
  open: 'amends_case_shortcut',
} as const;

/** block_id / action_id of modal inputs. */
export const INPUT = {
  client: 'client',
  summary: 'summary',
  severity: 'severity',
  owner: 'owner',
  dueDate: 'due_date',
  dueTime: 'due_time',
  happened: 'happened',
  why: 'why',
  prevention: 'prevention',
  twoSentences: 'two_sentences',
  meetingDate: 'meeting_date',
  meetingTime: 'meeting_time',
  reason: 'reason',
  offer: 'offer',
  followUpNote: 'follow_up_note',
  language: 'language',
  channel: 'channel',
  changeWhat: 'change_what',
  changeWho: 'change_who',
  changeBy: 'change_by',
  draftSubject: 'draft_subject',
  draftBody: 'draft_body',
  outcome: 'outcome',
  // The client's record in the new-case form. The detail fields' block ids get `:<client id>`
  // when the form is filled from a known client, so Slack draws the filled-in values.
  clientPick: 'client_pick',
  clientContact: 'client_contact',
  clientEmail: 'client_email',
  clientTz: 'client_tz',
  clientLang: 'client_lang',
  clientPlace: 'client_place',
  meetingPlace: 'meeting_place',
  meetingLength: 'meeting_length',
} as const;

export interface StepRef {
  readonly caseId: number;
  readonly step: StepKey;
  readonly version: number;
}

export interface CaseRef {
  readonly caseId: number;
  readonly version: number;
}

const isStep = (s: string | undefined): s is StepKey =>
  !!s && (STEP_KEYS as readonly string[]).includes(s);
const posInt = (s: string | undefined): number | null =>
  s && /^\d{1,12}$/.test(s) ? Number(s) : null;

export const encodeStep = (r: StepRef): string => `${r.caseId}|${r.step}|${r.version}`;
export const encodeCase = (r: CaseRef): string => `${r.caseId}|${r.version}`;
export const encodeSnooze = (r: StepRef, choice: SnoozeChoice): string =>
  `${encodeStep(r)}|${choice}`;

/** Parses a button value; null for anything malformed or forged. */
export function decodeStep(v: string | undefined): StepRef | null {
  const [c, s, ver, ...rest] = (v ?? '').split('|');
  const caseId = posInt(c);
  const version = posInt(ver);
  if (caseId === null || version === null || !isStep(s) || rest.length > 0) return null;
  return { caseId, step: s, version };
}

export function decodeSnooze(v: string | undefined): (StepRef & { choice: SnoozeChoice }) | null {
  return withChoice(v, 3, decodeStep, SNOOZE_CHOICES);
}

/**
 * A value that is a ref (its first `n` parts, read by `decode`) and then one of `choices`; null
 * for anything else.
 */
function withChoice<R, C extends string>(
  v: string | undefined,
  n: number,
  decode: (v: string) => R | null,
  choices: readonly C[],
): (R & { choice: C }) | null {
  const parts = (v ?? '').split('|');
  const choice = parts[n];
  const ref = decode(parts.slice(0, n).join('|'));
  if (!ref || parts.length !== n + 1 || !choice) return null;
  if (!(choices as readonly string[]).includes(choice)) return null;
  return { ...ref, choice: choice as C };
}

export interface ChangeRef extends CaseRef {
  readonly change: number;
}
export const encodeChange = (r: ChangeRef): string => `${r.caseId}|c${r.change}|${r.version}`;
export function decodeChange(v: string | undefined): ChangeRef | null {
  const [c, ch, ver, ...rest] = (v ?? '').split('|');
  const caseId = posInt(c);
  const change = ch?.startsWith('c') ? posInt(ch.slice(1)) : null;
  const version = posInt(ver);
  if (caseId === null || change === null || version === null || rest.length) return null;
  return { caseId, change, version };
}

export function decodeCase(v: string | undefined): CaseRef | null {
  const [c, ver, ...rest] = (v ?? '').split('|');
  const caseId = posInt(c);
  const version = posInt(ver);
  if (caseId === null || version === null || rest.length) return null;
  return { caseId, version };
}

/** What a modal carries between opening and submission. */
export interface ModalMeta {
  readonly channelId?: string;
  readonly caseId?: number;
  readonly step?: StepKey;
  readonly version?: number;
  /** A corrective change's id (dropping one). */
  readonly change?: number;
  /** The permalink of the message a case is opened from (the message shortcut). */
  readonly link?: string;
}

export function decodeMeta(s: string | undefined): ModalMeta | null {
  try {
    const m = JSON.parse(s ?? '') as Record<string, unknown>;
    if (typeof m !== 'object' || m === null) return null;
    const out: {
      channelId?: string;
      caseId?: number;
      step?: StepKey;
      version?: number;
      change?: number;
      link?: string;
    } = {};
    if (typeof m.channelId === 'string' && /^[CGD][A-Z0-9]{2,}$/.test(m.channelId))
      out.channelId = m.channelId;
    if (typeof m.caseId === 'number' && Number.isInteger(m.caseId) && m.caseId > 0)
      out.caseId = m.caseId;
    if (typeof m.step === 'string' && isStep(m.step)) out.step = m.step;
    if (typeof m.version === 'number' && Number.isInteger(m.version)) out.version = m.version;
    if (typeof m.change === 'number' && Number.isInteger(m.change) && m.change > 0)
      out.change = m.change;
    if (isPermalink(m.link)) out.link = m.link;
    return out;
  } catch {
    return null;
  }
}

/**
 * A message's permalink as Slack gives it (chat.getPermalink): an https address that can sit in a
 * mrkdwn link (`<url|label>`) without breaking out of it.
 */
export function isPermalink(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 1000 && /^https:\/\/[^\s<>|]+$/.test(v);
}

/** A channel (C…) or a private channel (G…) where a case can live: never a DM or a group DM. */
export function isChannelId(id: string | null | undefined): id is string {
  return typeof id === 'string' && /^[CG][A-Z0-9]{2,}$/.test(id);
}

/** The less frequent actions, in the parent's overflow menu. */
export const CASE_MENU = [
  'owner',
  'severity',
  'outline',
  'cancel_meeting',
  'cancel_fix_meeting',
] as const;
export type CaseMenuChoice = (typeof CASE_MENU)[number];

export const encodeMenu = (r: CaseRef, choice: CaseMenuChoice): string =>
  `${encodeCase(r)}|${choice}`;

export function decodeMenu(v: string | undefined): (CaseRef & { choice: CaseMenuChoice }) | null {
  return withChoice(v, 2, decodeCase, CASE_MENU);
}
