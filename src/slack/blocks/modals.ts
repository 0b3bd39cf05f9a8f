import { TZDate } from '@date-fns/tz';
import type { types } from '@slack/bolt';
import { format } from 'date-fns/format';
import { type Client, DEFAULT_MEETING_LENGTH, MEETING_LENGTHS } from '../../domain/client.js';
import { SEVERITIES, type StepKey } from '../../domain/playbook.js';
import type { Outcome, RecoveryCase } from '../../domain/recoveryCase.js';
import { type Catalog, LANGUAGES, type Lang, t } from '../../i18n/index.js';
import { INPUT, isPermalink, type ModalMeta, VIEW } from '../ids.js';
import { type Draft, zoneName } from './draft.js';
import { clip, escapeMrkdwn, md, plain } from './format.js';

type Modal = types.ModalView;

function modal(
  callback_id: string,
  title: string,
  submit: string,
  cat: Catalog,
  meta: ModalMeta,
  blocks: types.KnownBlock[],
): Modal {
  return {
    type: 'modal',
    callback_id,
    title: plain(title, 24),
    submit: plain(submit, 24),
    close: plain(cat.modal.cancel, 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

function textInput(
  id: string,
  label: string,
  opts: {
    multiline?: boolean;
    max?: number;
    hint?: string;
    optional?: boolean;
    initial?: string;
  } = {},
): types.InputBlock {
  return {
    type: 'input',
    block_id: id,
    label: plain(label, 2000),
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: id,
      multiline: opts.multiline ?? false,
      ...(opts.max ? { max_length: opts.max } : {}),
      ...(opts.initial ? { initial_value: opts.initial } : {}),
    },
  };
}

/** A channel picker that offers only channels not shared outside the company (and no DMs). */
function internalChannelInput(label: string, hint: string): types.InputBlock {
  return {
    type: 'input',
    block_id: INPUT.channel,
    label: plain(label),
    hint: plain(hint),
    element: {
      type: 'conversations_select',
      action_id: INPUT.channel,
      filter: {
        include: ['public', 'private'],
        exclude_external_shared_channels: true,
        exclude_bot_users: true,
      },
    },
  };
}

/** The longest text the form's *what happened* field takes (Slack's max_length is 1..3000). */
export const SUMMARY_FIELD_MAX = 3000;

export function openCaseModal(
  cat: Catalog,
  channelId: string | null,
  callerId: string,
  lang: Lang = 'en',
  /** Opened from a message (the message shortcut): its text, and its permalink to keep. */
  from: { readonly summary?: string; readonly link?: string | null } = {},
  /** The workspace's clients on record, offered to pick from. */
  known: readonly Client[] = [],
  /** The one picked, whose details the form is drawn again with (see clientDetailBlocks). */
  filled?: Client,
): Modal {
  const m = cat.modal.open;
  // Opened from App Home (or a shortcut outside a channel) there is no channel yet: the form asks
  // for an internal one.
  const where: types.KnownBlock[] = channelId
    ? []
    : [internalChannelInput(cat.home.channel, cat.home.channelHint)];
  const link = isPermalink(from.link) ? from.link : null;
  const source: types.KnownBlock[] = link
    ? [
        {
          type: 'context',
          block_id: 'from_message',
          elements: [md(`<${link}|${escapeMrkdwn(cat.case.fromMessage)}>`)],
        },
      ]
    : [];
  const meta: ModalMeta = { ...(channelId ? { channelId } : {}), ...(link ? { link } : {}) };
  // The clients on record, to pick instead of typing (the name field is then for a new one).
  const pick: types.KnownBlock[] = known.length
    ? [
        {
          type: 'input',
          block_id: INPUT.clientPick,
          optional: true,
          // Picking one tells Amends at once, which draws the form again with its details.
          dispatch_action: true,
          label: plain(m.knownClient),
          hint: plain(m.knownClientHint),
          element: {
            type: 'static_select',
            action_id: INPUT.clientPick,
            options: known.slice(0, 100).map(clientOption),
          },
        },
      ]
    : [];
  return modal(VIEW.open, m.title, m.submit, cat, meta, [
    ...source,
    ...where,
    ...pick,
    textInput(INPUT.client, m.client, {
      max: 150,
      hint: known.length ? m.clientNewHint : m.clientHint,
      optional: known.length > 0,
    }),
    // Slack accepts max_length 1..3000 (views.open fails otherwise); /incident text allows 4,000.
    textInput(INPUT.summary, m.summary, {
      multiline: true,
      max: SUMMARY_FIELD_MAX,
      hint: m.summaryHint,
      ...(from.summary ? { initial: from.summary } : {}),
    }),
    {
      type: 'input',
      block_id: INPUT.severity,
      label: plain(m.severity),
      element: {
        type: 'static_select',
        action_id: INPUT.severity,
        initial_option: { text: plain(cat.severity.major), value: 'major' },
        options: SEVERITIES.map((s) => ({ text: plain(cat.severity[s]), value: s })),
      },
    },
    {
      type: 'input',
      block_id: INPUT.owner,
      label: plain(m.owner),
      element: { type: 'users_select', action_id: INPUT.owner, initial_user: callerId },
    },
    {
      type: 'input',
      block_id: INPUT.dueDate,
      optional: true,
      label: plain(m.due),
      hint: plain(m.dueHint),
      element: { type: 'datepicker', action_id: INPUT.dueDate },
    },
    {
      type: 'input',
      block_id: INPUT.dueTime,
      optional: true,
      label: plain(m.dueTime),
      element: { type: 'timepicker', action_id: INPUT.dueTime },
    },
    {
      type: 'input',
      block_id: INPUT.language,
      label: plain(m.language),
      hint: plain(m.languageHint),
      element: {
        type: 'static_select',
        action_id: INPUT.language,
        initial_option: { text: plain(t(lang).langName), value: lang },
        options: LANGUAGES.map((l) => ({ text: plain(t(l).langName), value: l })),
      },
    },
    ...clientDetailBlocks(cat, filled),
  ]);
}

/** A known client in the picker: its name, and its contact when there is one. */
function clientOption(c: Client): types.PlainTextOption {
  return {
    text: plain(c.contact ? `${c.name} · ${c.contact}` : c.name, 75),
    value: String(c.id),
  };
}

/**
 * The client's details, all optional (a field left empty keeps what is on record). `filled`: a
 * known client's, written in; the block ids then carry its id, so Slack draws those values.
 */
export function clientDetailBlocks(cat: Catalog, filled?: Client): types.KnownBlock[] {
  const m = cat.modal.open;
  const id = (base: string) => (filled ? `${base}:${filled.id}` : base);
  const field = (base: string, label: string, max: number, value: string | null, hint?: string) => {
    const b = textInput(base, label, {
      max,
      optional: true,
      ...(hint ? { hint } : {}),
      ...(value ? { initial: value } : {}),
    });
    return { ...b, block_id: id(base) };
  };
  const lang =
    filled?.lang && (LANGUAGES as readonly string[]).includes(filled.lang) ? filled.lang : null;
  return [
    { type: 'context', block_id: 'client_details', elements: [md(m.clientDetails)] },
    field(INPUT.clientContact, m.contact, 150, filled?.contact ?? null),
    field(INPUT.clientEmail, m.email, 254, filled?.email ?? null),
    field(INPUT.clientTz, m.clientTz, 64, filled?.tz ?? null, m.clientTzHint),
    {
      type: 'input',
      block_id: id(INPUT.clientLang),
      optional: true,
      label: plain(m.clientLang),
      hint: plain(m.clientLangHint),
      element: {
        type: 'static_select',
        action_id: INPUT.clientLang,
        ...(lang ? { initial_option: { text: plain(t(lang).langName), value: lang } } : {}),
        options: LANGUAGES.map((l) => ({ text: plain(t(l).langName), value: l })),
      },
    },
    field(INPUT.clientPlace, m.place, 300, filled?.place ?? null, m.placeHint),
  ];
}

export function outlineModal(cat: Catalog, c: RecoveryCase, version: number): Modal {
  const m = cat.modal.outline;
  const o = c.outline;
  return modal(VIEW.outline, m.title, m.submit, cat, { caseId: c.id, step: 'outline', version }, [
    textInput(INPUT.happened, m.happened, {
      multiline: true,
      max: 3000,
      initial: o?.happened ?? clip(c.summary, 3000, { ellipsis: false }),
    }),
    textInput(INPUT.why, m.why, { multiline: true, max: 3000, initial: o?.why }),
    textInput(INPUT.prevention, m.prevention, {
      multiline: true,
      max: 3000,
      initial: o?.prevention,
    }),
    textInput(INPUT.twoSentences, m.summary, {
      multiline: true,
      max: 600,
      hint: m.summaryHint,
      // Never longer than the field takes (max_length), even from an outline stored before.
      initial: o?.summary ? clip(o.summary, 600, { ellipsis: false }) : undefined,
    }),
  ]);
}

/**
 * Booking a meeting, or moving one (`moving`: the booked time, shown filled in, in the zone the
 * form's answer is read in).
 */
export function meetingModal(
  cat: Catalog,
  c: RecoveryCase,
  version: number,
  step: 'meeting' | 'fix_meeting' = 'meeting',
  moving?: { readonly at: Date; readonly tz: string },
  /**
   * The client's record (its usual place is offered, its zone named in the hint, in `lang` and as
   * of `now`).
   */
  o: { readonly client?: Client | null; readonly lang?: Lang; readonly now?: Date } = {},
): Modal {
  const client = o.client ?? null;
  const m = cat.modal.meeting;
  const local = moving ? new TZDate(moving.at.getTime(), moving.tz) : null;
  const booked = c.meetings?.[step === 'fix_meeting' ? 'fix' : 'meeting'];
  const place = booked?.place ?? client?.place ?? null;
  const minutes = booked?.minutes ?? DEFAULT_MEETING_LENGTH;
  const lengthOption = (n: number) => ({ text: plain(m.minutes(n)), value: String(n) });
  const hint = client?.tz
    ? `${m.hint} ${m.clientTime(`${zoneName(moving?.at ?? o.now ?? c.createdAt, o.lang ?? 'en', client.tz)} (${client.tz})`)}`
    : m.hint;
  return modal(
    VIEW.meeting,
    moving ? m.moveTitle : m.title,
    moving ? m.moveSubmit : m.submit,
    cat,
    { caseId: c.id, step, version },
    [
      {
        type: 'input',
        block_id: INPUT.meetingDate,
        label: plain(m.date),
        hint: plain(hint),
        element: {
          type: 'datepicker',
          action_id: INPUT.meetingDate,
          ...(local ? { initial_date: format(local, 'yyyy-MM-dd') } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT.meetingTime,
        label: plain(m.time),
        element: {
          type: 'timepicker',
          action_id: INPUT.meetingTime,
          ...(local ? { initial_time: format(local, 'HH:mm') } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT.meetingLength,
        label: plain(m.length),
        element: {
          type: 'static_select',
          action_id: INPUT.meetingLength,
          initial_option: lengthOption(minutes),
          options: MEETING_LENGTHS.map(lengthOption),
        },
      },
      textInput(INPUT.meetingPlace, m.place, {
        max: 300,
        optional: true,
        hint: m.placeHint,
        ...(place ? { initial: place } : {}),
      }),
    ],
  );
}

export function skipModal(cat: Catalog, c: RecoveryCase, step: StepKey, version: number): Modal {
  const m = cat.modal.skip;
  return modal(VIEW.skip, m.title, m.submit, cat, { caseId: c.id, step, version }, [
    textInput(INPUT.reason, m.reason, { multiline: true, max: 2000 }),
  ]);
}

export function compensationModal(cat: Catalog, c: RecoveryCase, version: number): Modal {
  const m = cat.modal.compensation;
  return modal(
    VIEW.compensation,
    m.title,
    m.submit,
    cat,
    { caseId: c.id, step: 'compensation', version },
    [textInput(INPUT.offer, m.offer, { multiline: true, max: 2000, hint: m.hint })],
  );
}

/** A keep-trying follow-up or a check-in, with what the owner did or offered. */
export function followUpModal(
  cat: Catalog,
  c: RecoveryCase,
  step: StepKey,
  version: number,
): Modal {
  const m = cat.modal.followUp;
  return modal(VIEW.followUp, m.title, m.submit, cat, { caseId: c.id, step, version }, [
    textInput(INPUT.followUpNote, m.note, { multiline: false, max: 2000, hint: m.hint }),
  ]);
}

/** Where to move a case: only channels not shared outside the company are offered. */
export function moveModal(cat: Catalog, c: RecoveryCase): Modal {
  const m = cat.shared;
  return modal(VIEW.move, m.moveTitle, m.moveSubmit, cat, { caseId: c.id, version: c.version }, [
    internalChannelInput(m.moveChannel, m.moveHint),
  ]);
}

/** A corrective change: what, who (the owner by default), by when (optional). */
export function addChangeModal(cat: Catalog, c: RecoveryCase): Modal {
  const m = cat.changes;
  return modal(
    VIEW.addChange,
    m.add,
    cat.modal.meeting.submit,
    cat,
    { caseId: c.id, version: c.version },
    [
      textInput(INPUT.changeWhat, m.what, { max: 300, hint: m.whatHint }),
      {
        type: 'input',
        block_id: INPUT.changeWho,
        optional: true,
        label: plain(m.who),
        element: { type: 'users_select', action_id: INPUT.changeWho, initial_user: c.ownerId },
      },
      {
        type: 'input',
        block_id: INPUT.changeBy,
        optional: true,
        label: plain(m.by),
        element: { type: 'datepicker', action_id: INPUT.changeBy },
      },
    ],
  );
}

export function dropChangeModal(cat: Catalog, c: RecoveryCase, change: number): Modal {
  const m = cat.changes;
  return modal(
    VIEW.dropChange,
    m.dropTitle,
    m.drop,
    cat,
    { caseId: c.id, version: c.version, change },
    [textInput(INPUT.reason, m.dropReason, { multiline: true, max: 2000 })],
  );
}

/** The message to the client, prefilled from the case, to edit before it is posted for review. */
export function draftModal(cat: Catalog, c: RecoveryCase, d: Draft): Modal {
  const m = cat.draft;
  return modal(VIEW.draft, m.title, m.submit, cat, { caseId: c.id, version: c.version }, [
    { type: 'context', elements: [{ type: 'mrkdwn', text: m.hint }] },
    textInput(INPUT.draftSubject, m.subject, {
      max: 200,
      initial: clip(d.subject, 200, { ellipsis: false }),
    }),
    textInput(INPUT.draftBody, m.body, {
      multiline: true,
      max: 3000,
      initial: clip(d.body, 3000, { ellipsis: false }),
    }),
  ]);
}

export const OUTCOMES: readonly Outcome[] = ['won_back', 'lost', 'closed'];

export function closeModal(cat: Catalog, c: RecoveryCase): Modal {
  const m = cat.modal.close;
  const initial: Outcome =
    c.answer === 'accepted' ? 'won_back' : c.answer === 'refused' ? 'lost' : 'closed';
  return modal(VIEW.close, m.title, m.submit, cat, { caseId: c.id, version: c.version }, [
    {
      type: 'input',
      block_id: INPUT.outcome,
      label: plain(m.outcome),
      element: {
        type: 'radio_buttons',
        action_id: INPUT.outcome,
        initial_option: { text: plain(cat.outcome[initial]), value: initial },
        options: OUTCOMES.map((o) => ({ text: plain(cat.outcome[o]), value: o })),
      },
    },
    // Optional for every outcome but Lost: the hint says so in the words of the error it prevents.
    textInput(INPUT.reason, m.reason, {
      multiline: true,
      max: 2000,
      optional: true,
      hint: m.reasonHint,
    }),
  ]);
}

/** Hands the case over: the new owner (never the current one: that changes nothing). */
export function ownerModal(cat: Catalog, c: RecoveryCase): Modal {
  const m = cat.corrections.owner;
  return modal(VIEW.owner, m.title, m.submit, cat, { caseId: c.id, version: c.version }, [
    {
      type: 'input',
      block_id: INPUT.owner,
      label: plain(m.label),
      hint: plain(m.hint),
      element: { type: 'users_select', action_id: INPUT.owner, initial_user: c.ownerId },
    },
  ]);
}

/** A new severity for the case, the current one selected. */
export function severityModal(cat: Catalog, c: RecoveryCase): Modal {
  const m = cat.corrections.severity;
  const option = (s: (typeof SEVERITIES)[number]) => ({
    text: plain(cat.severity[s], 75),
    value: s,
  });
  return modal(VIEW.severity, m.title, m.submit, cat, { caseId: c.id, version: c.version }, [
    {
      type: 'input',
      block_id: INPUT.severity,
      label: plain(m.label),
      hint: plain(m.hint),
      element: {
        type: 'static_select',
        action_id: INPUT.severity,
        options: SEVERITIES.map(option),
        initial_option: option(c.severity),
      },
    },
  ]);
}

/** Asks before the meeting is cancelled (its time as a date token each reader sees in their zone). */
export function cancelMeetingModal(
  cat: Catalog,
  c: RecoveryCase,
  when: string,
  step: 'meeting' | 'fix_meeting' = 'meeting',
): Modal {
  const m = cat.corrections.cancel;
  const meta: ModalMeta = { caseId: c.id, version: c.version, step };
  return {
    ...modal(VIEW.cancelMeeting, m.title, m.submit, cat, meta, [
      { type: 'section', block_id: 'cancel_meeting', text: md(m.text(when)) },
    ]),
    close: plain(m.close, 24),
  };
}
