import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  addChange,
  completeStep,
  openCase as openDomainCase,
  type RecoveryCase,
  recordClientMessage,
  recordMeeting,
  saveOutline,
  settleChange,
} from '../../src/domain/recoveryCase.js';
import { t } from '../../src/i18n/index.js';
import { buildDraft, MAILTO_MAX, mailtoLink } from '../../src/slack/blocks/draft.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { openInput } from '../helpers/builders.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  blockById,
  click,
  elementIn,
  fresh,
  input,
  NIKOS,
  nextView,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const PB = DEFAULT_PLAYBOOK;
const OUTLINE = {
  happened: 'We shipped the wrong pallets to your Turin warehouse on Monday.',
  why: 'Two orders had the same reference and nobody checked.',
  prevention: 'A second check of every pallet against the order.',
  summary: 'We sent you the wrong goods. We now check every pallet twice.',
};

function caseWith(lang = 'en'): RecoveryCase {
  let c = openDomainCase(
    openInput({
      teamId: TEAM,
      channelId: CHANNEL,
      summary: 'internal: Luca mixed up the orders',
      ownerId: MARIA,
      creatorId: MARIA,
      lang,
    }),
    PB,
    NOW,
  ).case;
  c = saveOutline(c, OUTLINE, MARIA, NOW).case;
  c = addChange(c, { what: 'Second pallet check', who: null, by: null }, MARIA, PB, NOW).case;
  c = settleChange(c, 1, { done: true }, MARIA, c.version, PB, NOW).case;
  c = addChange(
    c,
    { what: 'A dedicated contact', who: null, by: new Date('2026-12-04T16:00:00Z') },
    MARIA,
    PB,
    NOW,
  ).case;
  c = completeStep(c, 'compensation', MARIA, null, PB, NOW, 'a 10% credit on the next order').case;
  return recordMeeting(c, new Date('2026-11-26T14:00:00Z'), MARIA, PB, NOW).case;
}

describe('the draft to the client', () => {
  it('a draft of a case with everything recorded holds every part of the recovery', () => {
    const d = buildDraft(caseWith(), 'Maria Rossi', NOW);
    expect(d?.subject).toBe('Our apology to Acme, and what we have changed');
    const body = d?.body ?? '';
    expect(body).toContain('Dear Acme,');
    expect(body).toContain(
      `I want to apologise, personally and for our whole team. ${OUTLINE.happened}`,
    );
    // After the colon the summary starts with a small letter, as a colon wants in all four languages.
    expect(body).toContain(
      'In short: we sent you the wrong goods. We now check every pallet twice.',
    );
    expect(body).toContain('What we have already changed:\n- Second pallet check');
    expect(body).toContain('What we will change:\n- A dedicated contact (by 4 December 2026)');
    expect(body).toContain('we would like to offer you: a 10% credit on the next order.');
    expect(body).toContain('you will hear it from us first');
    expect(body).toContain('as planned on 26 November 2026');
    expect(body).toMatch(/Kind regards,\nMaria Rossi$/);
    // The team's internal account never goes to the client.
    expect(body).not.toContain('Luca');
  });

  it('is written in the case’s language', () => {
    const el = buildDraft(caseWith('el'), 'Μαρία', NOW)?.body ?? '';
    expect(el).toContain('Θέλω να ζητήσω συγγνώμη');
    expect(el).toContain('4 Δεκεμβρίου 2026');
    const ca = buildDraft(caseWith('ca'), 'Montse', NOW)?.body ?? '';
    expect(ca).toContain('Benvolguts Acme,');
  });

  it('is not drafted before the outline exists', () => {
    const bare = openDomainCase(
      openInput({ teamId: TEAM, channelId: CHANNEL, ownerId: MARIA, creatorId: MARIA }),
      PB,
      NOW,
    ).case;
    expect(buildDraft(bare, 'M', NOW)).toBeNull();
  });

  /** A case with its outline saved and no change done yet. */
  const outlinedOnly = () =>
    saveOutline(
      openDomainCase(
        openInput({ teamId: TEAM, channelId: CHANNEL, ownerId: MARIA, creatorId: MARIA }),
        PB,
        NOW,
      ).case,
      { ...OUTLINE, happened: 'We shipped the wrong pallets', prevention: 'Double label checks' },
      MARIA,
      NOW,
    ).case;

  it('before any change is done, the subject claims none', () => {
    expect(buildDraft(outlinedOnly(), 'Maria', NOW)?.subject).toBe('Our apology to Acme');
  });

  it('before any change is done, the prevention comes with a lead-in', () => {
    expect(buildDraft(outlinedOnly(), 'Maria', NOW)?.body).toContain(
      'What will keep it from happening again: Double label checks.',
    );
  });

  it('every outline text is ended as a sentence', () => {
    const c = outlinedOnly();
    const d = buildDraft(c, 'Maria', NOW);
    expect(d?.body).toContain('We shipped the wrong pallets. That was our mistake');
    // Text that ends itself is left as it is.
    expect(d?.body).toContain(
      'In short: we sent you the wrong goods. We now check every pallet twice.\n',
    );
    // A bracket or a colon does not end a sentence; a stop inside a closing quote does.
    const ended = (happened: string) =>
      buildDraft(saveOutline(c, { ...OUTLINE, happened }, MARIA, NOW).case, 'M', NOW)?.body;
    expect(ended('We shipped it twice (wrongly)')).toContain('(wrongly). That was');
    expect(ended('We wrote to the wrong address:')).toContain('address:. That was');
    expect(ended('We said "it is done."')).toContain('"it is done." That was');
    // A sentence starts with a capital, whatever the form held.
    expect(ended('the invoice had the wrong VAT rate')).toContain(
      'our whole team. The invoice had the wrong VAT rate. That was',
    );
  });

  it('Italian, as the native review asked: Spett.le, "In breve: vi…", "entro il …", the warning', () => {
    let c = openDomainCase(
      openInput({ client: 'Ferramenta Conti', lang: 'it', ownerId: MARIA, creatorId: MARIA }),
      PB,
      NOW,
    ).case;
    c = saveOutline(
      c,
      {
        ...OUTLINE,
        summary:
          'Vi abbiamo consegnato la merce sbagliata. Ora controlliamo ogni bancale due volte.',
      },
      MARIA,
      NOW,
    ).case;
    const by = (day: string) => new Date(`${day}T17:00:00Z`); // 18:00 in Rome
    c = addChange(
      c,
      { what: 'Un referente dedicato', who: null, by: by('2026-12-15') },
      MARIA,
      PB,
      NOW,
    ).case;
    c = addChange(c, { what: 'Più scorte', who: null, by: by('2026-12-11') }, MARIA, PB, NOW).case;
    c = addChange(
      c,
      { what: 'Un secondo controllo', who: null, by: by('2026-12-08') },
      MARIA,
      PB,
      NOW,
    ).case;
    const body = buildDraft(c, 'Maria', NOW)?.body ?? '';
    expect(body).toMatch(/^Spett\.le Ferramenta Conti,\n/);
    expect(body).toContain('In breve: vi abbiamo consegnato la merce sbagliata.');
    expect(body).toContain('- Un referente dedicato (entro il 15 dicembre 2026)');
    expect(body).toContain('- Più scorte (entro l’11 dicembre 2026)');
    expect(body).toContain('- Un secondo controllo (entro l’8 dicembre 2026)');
    expect(body).toContain('lo saprete subito da noi, prima che ve ne accorgiate voi.');
    // A name keeps its capital after the colon.
    const named = saveOutline(
      c,
      { ...OUTLINE, summary: 'Ferramenta Conti ha ricevuto la merce sbagliata.' },
      MARIA,
      NOW,
    ).case;
    expect(buildDraft(named, 'Maria', NOW)?.body).toContain(
      'In breve: Ferramenta Conti ha ricevuto',
    );
  });

  it('Italian: "ad" before a name in a', () => {
    expect(buildDraft(caseWith('it'), 'Maria', NOW)?.subject).toBe(
      'Le nostre scuse ad Acme e cosa abbiamo cambiato',
    );
    expect(t('it').draft.subjectText('Beta')).toBe('Le nostre scuse a Beta');
  });

  it('Italian: one form of address throughout (the client as "voi")', () => {
    const d = buildDraft(caseWith('it'), 'Maria', NOW);
    const body = d?.body ?? '';
    expect(body).toContain('offrirvi');
    expect(body).toContain('lo saprete subito da noi');
    expect(body).not.toMatch(/\b(saprai|tu|Avresti|offrirti)\b/);
    expect(t('it').draft.meet).toContain('Avreste tempo');
  });

  it('once the apology is on record, the next message follows it up instead of apologising in full again', () => {
    const c = caseWith();
    const sent = recordClientMessage(c, MARIA, c.version, PB, NOW).case;
    const d = buildDraft(sent, 'Maria', NOW);
    expect(d?.body).toContain(t('en').draft.followUp);
    expect(d?.body).not.toContain('I want to apologise');
    expect(d?.body).not.toContain(OUTLINE.happened);
    // What changed is what this message is for.
    expect(d?.body).toContain('What we have already changed:\n- Second pallet check');
  });

  it('a follow-up before any change is done claims none done: it says where things stand', () => {
    const c = saveOutline(
      openDomainCase(
        openInput({ teamId: TEAM, channelId: CHANNEL, ownerId: MARIA, creatorId: MARIA }),
        PB,
        NOW,
      ).case,
      OUTLINE,
      MARIA,
      NOW,
    ).case;
    const sent = recordClientMessage(c, MARIA, c.version, PB, NOW).case;
    const body = buildDraft(sent, 'Maria', NOW)?.body ?? '';
    expect(body).toContain(t('en').draft.followUpPending);
    expect(body).not.toContain('what we have done since');
  });

  it('mailto: percent-encoded UTF-8 with CRLF line breaks', () => {
    const short = mailtoLink({ subject: 'Our apology & more', body: 'Γεια σας,\nπάμε 😀' });
    expect(short.clipped).toBe(false);
    expect(short.url).toContain('subject=Our%20apology%20%26%20more');
    expect(short.url).toContain('%0D%0A');
    const body = decodeURIComponent(short.url.split('&body=')[1] ?? '');
    expect(body).toBe('Γεια σας,\r\nπάμε 😀');
  });

  it('mailto: a body too long is cut at a character boundary', () => {
    const long = mailtoLink({ subject: 'S', body: '😀Ω'.repeat(2000) });
    expect(long.clipped).toBe(true);
    expect(long.url.length).toBeLessThanOrEqual(MAILTO_MAX);
    // Never a broken escape or half an emoji: it decodes, and ends with the ellipsis.
    const cut = decodeURIComponent(long.url.split('&body=')[1] ?? '');
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('the draft in Slack', () => {
  const ctx = useHarness();

  /** A case with its outline, its parent redrawn with the draft button. */
  const outlined = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.presenter.refresh(await fresh(h, o.c));
    return { h, o };
  };

  /** The draft opened from the outlined case, edited in its form and submitted. */
  const drafted = async () => {
    const { h, o } = await outlined();
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.draft);
    const view = await nextView(h, VIEW.draft, n);
    const r = await submit(h, view, {
      ...input.text(INPUT.draftSubject, 'Our apology'),
      ...input.text(INPUT.draftBody, 'Dear Acme,\nwe are sorry.'),
    });
    const post = replies(h, o.parent.ts).at(-1);
    const sent = (
      (post?.blocks ?? []) as {
        type: string;
        elements?: { action_id?: string; value?: string }[];
      }[]
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === ACTION.draftSent);
    return { h, o, view, r, post, sent };
  };

  it('the draft is offered once the outline exists, not before', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect(
      elementIn(h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent, 'case_actions', ACTION.draft),
    ).toBeUndefined();
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.presenter.refresh(await fresh(h, o.c));
    expect(
      elementIn(h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent, 'case_actions', ACTION.draft),
    ).toBeDefined();
  });

  it('the draft is edited in a form', async () => {
    const { view, r } = await drafted();
    expect(JSON.stringify(view.blocks)).toContain('In short: we sent you the wrong goods.');
    expect(r).toEqual({ status: 200, text: '' });
  });

  it('the draft is posted for review with a mailto link, a "sent" button, nothing marked yet', async () => {
    const { h, o, post, sent } = await drafted();
    const json = JSON.stringify(post?.blocks);
    expect(json).toContain(
      'mailto:?subject=Our%20apology&body=Dear%20Acme%2C%0D%0Awe%20are%20sorry.',
    );
    expect(sent).toBeDefined();
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
  });

  /** The draft posted, then its "sent" button clicked. */
  async function sentOnce() {
    const d = await drafted();
    expect(d.sent).toBeDefined();
    await click(
      d.h,
      { action_id: ACTION.draftSent, value: String(d.sent?.value) },
      { message: d.post },
    );
    return d;
  }

  it('"sent" on the draft stamps the own-up, the apology', async () => {
    const { h, o } = await sentOnce();
    const after = await fresh(h, o.c);
    expect(stepOf(after, 'own_up').status).toBe('done');
    expect(stepOf(after, 'own_up').doneAt).not.toBeNull();
    // The message opens with the apology: sent, it is the apology on record (and in the figures).
    expect(stepOf(after, 'apologize').status).toBe('done');
    // The thread says what the click marked done: both steps, named.
    expect(replies(h, o.parent.ts).at(-1)?.text).toContain(
      `Marked done: *${t('en').stepTitle.own_up}* and *${t('en').stepTitle.apologize}*.`,
    );
  });

  it('"sent" on the draft again stamps nothing more', async () => {
    const { h, o, post, sent } = await sentOnce();
    // The same click again changes nothing (its version is old now).
    await click(h, { action_id: ACTION.draftSent, value: String(sent?.value) }, { message: post });
    const events = (await h.amends.caseRepo.events(TEAM, o.c.id)).filter(
      (e) => e.type === 'client_message_sent',
    );
    expect(events).toHaveLength(1);
  });

  it('"sent" on the draft leaves the parent its actions', async () => {
    const { h, o } = await sentOnce();
    // The parent as Slack shows it now (not the copy from before the click) keeps its actions.
    const shown = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(shown, 'the parent in Slack').toBeDefined();
    expect(blockById(shown ?? {}, 'case_actions')).toBeDefined();
  });

  /** Drafts a message to the client through the form; `clickSent` presses the draft's button. */
  async function postDraft(h: Harness, o: Awaited<ReturnType<typeof openCase>>) {
    await h.amends.presenter.refresh(await fresh(h, o.c));
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.draft);
    const view = await nextView(h, VIEW.draft, n);
    await submit(h, view, {
      ...input.text(INPUT.draftSubject, 'About the order'),
      ...input.text(INPUT.draftBody, 'Dear Acme,\nwe are sorry.'),
    });
    const post = replies(h, o.parent.ts).at(-1);
    const sent = (
      (post?.blocks ?? []) as {
        type: string;
        elements?: { action_id?: string; value?: string }[];
      }[]
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === ACTION.draftSent);
    const clickSent = () =>
      click(h, { action_id: ACTION.draftSent, value: String(sent?.value) }, { message: post });
    return { post, clickSent };
  }

  /** Drafts and "sends" a message to the client; what the thread said last. */
  async function sendDraft(h: Harness, o: Awaited<ReturnType<typeof openCase>>) {
    await (await postDraft(h, o)).clickSent();
    return replies(h, o.parent.ts).at(-1)?.text ?? '';
  }

  it('a message sent before any change is recorded reports none, leaving the corrective step open', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.cases.complete({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'own_up', null);
    const said = await sendDraft(h, o);
    const after = await fresh(h, o.c);
    expect(stepOf(after, 'apologize').status).toBe('done');
    expect(stepOf(after, 'corrective_changes').status).toBe('pending');
    expect(stepOf(after, 'client_answer').status).not.toBe('pending');
    expect(said).toContain('sent the message to the client. Marked done: *Apologise');
    expect(said).not.toContain('changes');
  });

  /** A case with its outline and a posted draft, then a colleague's change: the case moved on. */
  const draftThenChange = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    const { clickSent } = await postDraft(h, o);
    await h.amends.cases.addChange(
      { teamId: TEAM, caseId: o.c.id, actor: NIKOS },
      { what: 'Label check', who: null, by: null },
    );
    return { h, o, clickSent };
  };

  it('Mark as sent still counts after other clicks on the case since the draft was posted', async () => {
    const { h, o, clickSent } = await draftThenChange();
    await clickSent();
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
  });

  it('Mark as sent clicked twice on the same draft counts once', async () => {
    const { h, o, clickSent } = await draftThenChange();
    await clickSent();
    await clickSent();
    const events = (await h.amends.caseRepo.events(TEAM, o.c.id)).filter(
      (e) => e.type === 'client_message_sent',
    );
    expect(events).toHaveLength(1);
  });

  it('the first message, sent once a change is done, reports the change with the own-up', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    const added = await h.amends.cases.addChange(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      { what: 'Second check on labels', who: MARIA, by: null },
    );
    await h.amends.cases.settleChange(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      Number(added.case.changes[0]?.id),
      null,
      null,
    );
    const said = await sendDraft(h, o);
    const after = await fresh(h, o.c);
    expect(stepOf(after, 'own_up').status).toBe('done');
    expect(stepOf(after, 'corrective_changes').status).toBe('done');
    expect(said).toContain(`*${t('en').stepTitle.corrective_changes}*`);
  });

  it('a message sent once every change is done reports them: the corrective step is done', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.cases.complete({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'own_up', null);
    const added = await h.amends.cases.addChange(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      { what: 'Second check on labels', who: MARIA, by: null },
    );
    const change = added.case.changes[0];
    await h.amends.cases.settleChange(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      Number(change?.id),
      null,
      null,
    );
    await sendDraft(h, o); // the apology
    expect(stepOf(await fresh(h, o.c), 'corrective_changes').status).toBe('done');
  });
});

describe('forms that need a line of text', () => {
  const ctx = useHarness();

  it('an empty offer is refused, asked for as an offer (not as a reason)', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const n = h.fake.callsTo('views.open').length;
    await press(h, h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent, ACTION.compensation, {
      step: 'compensation',
    });
    const view = await nextView(h, VIEW.compensation, n);
    const r = await submit(h, view, input.text(INPUT.offer, '   '));
    const body = JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors)).toEqual([t('en').errors.field.offer_empty]);
    expect(stepOf(await fresh(h, o.c), 'compensation').status).toBe('pending');
  });

  it('an empty follow-up note is refused, asked for as what was done', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await click(h, {
      action_id: ACTION.refused,
      value: `${o.c.id}|${(await fresh(h, o.c)).version}`,
    });
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.followUp, { step: 'keep_trying' });
    const view = await nextView(h, VIEW.followUp, n);
    const r = await submit(h, view, input.text(INPUT.followUpNote, ''));
    const body = JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };
    expect(Object.values(body.errors)).toEqual([t('en').errors.field.note_empty]);
    expect(stepOf(await fresh(h, o.c), 'keep_trying').note).toBeNull();
  });

  it('a check-in recorded after a win is said as a check-in, not as trying again', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await click(h, {
      action_id: ACTION.accepted,
      value: `${o.c.id}|${(await fresh(h, o.c)).version}`,
    });
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.followUp, { step: 'check_in' });
    const view = await nextView(h, VIEW.followUp, n);
    await submit(h, view, input.text(INPUT.followUpNote, 'Called them, all fine'));
    const said = replies(h, o.parent.ts).at(-1)?.text ?? '';
    expect(said).toContain('checked in with the client. Next check-in');
    expect(said).not.toContain('followed up');
  });
});
