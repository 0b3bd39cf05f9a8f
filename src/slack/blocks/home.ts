import type { types } from '@slack/bolt';
import type { Playbook } from '../../domain/playbook.js';
import {
  heldByRefusal,
  isOpen,
  nextStepToDo,
  type RecoveryCase,
  type Step,
  stepView,
} from '../../domain/recoveryCase.js';
import { type Catalog, LANGUAGES, type Lang, t } from '../../i18n/index.js';
import type { Report } from '../../services/reports.js';
import { ACTION } from '../ids.js';
import { stepButtons, stepTitle } from './caseMessage.js';
import { clip, dateToken, literal, md, mention, plain, span } from './format.js';
import { lineSections, threadLink } from './lists.js';
import { outcomeBlocks } from './report.js';

/** Slack's limit for a view; a little is kept free for the footer. */
const MAX_BLOCKS = 100;
const MAX_STEPS = 12;
const MAX_TEAM_CASES = 25;

export interface HomeData {
  readonly viewer: string;
  readonly lang: Lang;
  /** Open cases the viewer owns. */
  readonly owned: readonly RecoveryCase[];
  /** The workspace's open cases, newest first. */
  readonly team: readonly RecoveryCase[];
  readonly report: Report;
  readonly teamDomain: string | null;
  readonly now: Date;
}

const EMOJI = { overdue: ':red_circle:', pending: ':radio_button:', snoozed: ':zzz:' } as const;

/**
 * The viewer's open steps, overdue first, then by due time (no due time last). After a refusal a
 * step held from before the answer is listed, never as overdue (see heldByRefusal).
 */
export function openSteps(
  owned: readonly RecoveryCase[],
  now: Date,
  pb?: Playbook,
): { c: RecoveryCase; s: Step; overdue: boolean }[] {
  const out = owned.flatMap((c) =>
    c.steps.filter(isOpen).map((s) => ({
      c,
      s,
      overdue: stepView(s, now) === 'overdue' && !(pb && heldByRefusal(c, s, pb)),
    })),
  );
  const due = (s: Step) => s.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return out.sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || due(a.s) - due(b.s) || a.c.id - b.c.id,
  );
}

/**
 * App Home: the viewer's open steps with their buttons, the team's open cases, the outcomes of the
 * last 90 days (each figure with its n), a language selector and a "New case" button. Empty
 * states say what a first case looks like. At most 100 blocks: long lists end in "…and N more".
 */
export function renderHome(data: HomeData, pb: Playbook): types.HomeView {
  const cat: Catalog = t(data.lang);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: plain(cat.home.title, 150) },
    {
      type: 'actions',
      block_id: 'home_controls',
      elements: [
        {
          type: 'button',
          style: 'primary',
          text: plain(cat.home.newCase, 75),
          action_id: ACTION.newCase,
          value: 'home',
        },
        {
          type: 'static_select',
          action_id: ACTION.language,
          placeholder: plain(cat.home.language, 75),
          initial_option: { text: plain(cat.langName, 75), value: data.lang },
          options: LANGUAGES.map((l) => ({ text: plain(t(l).langName, 75), value: l })),
        },
      ],
    },
    { type: 'context', elements: [md(cat.home.intro)] },
    { type: 'header', text: plain(cat.home.yourSteps, 150) },
  ];

  const steps = openSteps(data.owned, data.now, pb);
  if (steps.length === 0) blocks.push({ type: 'section', text: md(cat.home.noSteps) });
  for (const { c, s, overdue } of steps.slice(0, MAX_STEPS)) {
    const link = threadLink(c, data.teamDomain);
    const client = clip(literal(c.client), 80);
    const due = s.dueAt ? ` · ${cat.case.due(dateToken(s.dueAt))}` : '';
    const state = overdue ? `${EMOJI.overdue} *${cat.stepState.overdue}* · ` : '';
    const where = link ? `<${link}|${client}>` : client;
    blocks.push({
      type: 'section',
      text: md(`${state}*${literal(stepTitle(s.key, pb, cat))}* · ${where}${due}`),
    });
    blocks.push({ type: 'actions', elements: stepButtons(c, s, pb, cat) });
  }
  if (steps.length > MAX_STEPS)
    blocks.push({ type: 'context', elements: [md(cat.home.more(steps.length - MAX_STEPS))] });

  blocks.push({ type: 'divider' }, { type: 'header', text: plain(cat.home.teamCases, 150) });
  if (data.team.length === 0) blocks.push({ type: 'section', text: md(cat.home.firstCase) });
  const lines = data.team.slice(0, MAX_TEAM_CASES).map((c) => {
    const link = threadLink(c, data.teamDomain);
    const next = nextStepToDo(c, pb);
    const nextText = next ? literal(stepTitle(next.key, pb, cat)) : cat.list.allDone;
    const age = span((data.now.getTime() - c.createdAt.getTime()) / 60_000, cat);
    const line = cat.home.caseLine(
      link ? `<${link}|#${c.id}>` : `#${c.id}`,
      clip(literal(c.client), 80),
      mention(c.ownerId),
      nextText,
      age,
    );
    // A refused case is still open: the team keeps trying, and App Home says so on its line.
    const refused = c.answer === 'refused' ? `${line} · ${cat.home.refused}` : line;
    return c.calm.stalledAt ? `${refused} · ${cat.home.stalled}` : refused;
  });
  blocks.push(...lineSections(lines));
  if (data.team.length > MAX_TEAM_CASES)
    blocks.push({
      type: 'context',
      elements: [md(cat.home.more(data.team.length - MAX_TEAM_CASES))],
    });

  blocks.push({ type: 'divider' }, ...outcomeBlocks(data.report, cat, cat.report.scopeAll));
  return { type: 'home', blocks: blocks.slice(0, MAX_BLOCKS) };
}
