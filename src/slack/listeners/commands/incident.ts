import type { App } from '@slack/bolt';
import { DomainError } from '../../../domain/errors.js';
import type { RecoveryCase } from '../../../domain/recoveryCase.js';
import { LANGUAGES, type Lang, t } from '../../../i18n/index.js';
import { parseQuickText } from '../../../services/cases.js';
import type { ExportFiles } from '../../../services/export.js';
import { CHANNEL_SHARED } from '../../../services/presenter.js';
import { channelMention } from '../../blocks/format.js';
import { renderHelp, renderList } from '../../blocks/lists.js';
import { openCaseModal } from '../../blocks/modals.js';
import { renderReport } from '../../blocks/report.js';
import { moveBlocks } from '../../caseView.js';
import { formFailed, friendly, notShown, slackErrorCode } from '../../errors.js';
import { shareFiles } from '../../upload.js';
import { catFor, knownClients, type ListenerDeps, showWaiting } from '../deps.js';

const SUBCOMMANDS = new Set(['list', 'help', 'language', 'report', 'export']);

/** A first-time user waits this long at most for Slack to say their language. */
const LOOKUP_MS = 700;

const choices = LANGUAGES.map((l) => `\`${l}\` (${t(l).langName})`).join(', ');

/** Slack sends `&`, `<` and `>` of typed command text as entities: store what the user typed. */
const unescapeSlack = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

type Ephemeral = { response_type: 'ephemeral'; text: string; blocks?: never };
const ephemeral = (text: string, blocks?: unknown[]): Ephemeral => ({
  response_type: 'ephemeral',
  text,
  ...(blocks ? { blocks: blocks as never } : {}),
});

/**
 * `/incident …`: parse, store (the commit awaited), ack, and only then call Slack. What the user is
 * told at once (help, a mistake in what they typed) travels in the ack itself.
 */
export function registerIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command('/incident', async ({ ack, body, client, respond }) => {
    const team = body.team_id;
    const user = body.user_id;
    const cat = await catFor(deps, team, user);
    const say = (text: string, blocks?: unknown[]) =>
      respond(ephemeral(text, blocks)).catch((e) =>
        deps.log('respond failed', { error: String(e) }),
      );
    const text = unescapeSlack(body.text ?? '').trim();
    const word = text.split(/\s+/)[0]?.toLowerCase() ?? '';
    const requestKey = `cmd:${body.trigger_id}`;

    const isCreate = text.includes(':');
    if (!isCreate && word === 'language') {
      const arg = text.split(/\s+/)[1]?.toLowerCase() ?? '';
      if (!arg) {
        await ack(ephemeral(cat.language.current(cat.langName, choices)));
        return;
      }
      if (!(LANGUAGES as readonly string[]).includes(arg)) {
        await ack(ephemeral(cat.language.unknown(choices)));
        return;
      }
      let chosen: Lang;
      try {
        chosen = await deps.profiles.chooseLanguage(team, user, arg);
      } catch (e) {
        await ack(ephemeral(friendly(e, cat, deps.log)));
        return;
      }
      const now = t(chosen);
      await ack(ephemeral(now.language.set(now.langName)));
      return;
    }
    if (!isCreate && word === 'report') {
      // Computed from the events log, answered privately in the ack.
      const all = text.split(/\s+/)[1]?.toLowerCase() === 'all';
      let r: ReturnType<typeof renderReport>;
      try {
        const report = await deps.reports.report(team, all ? null : body.channel_id);
        // The channel as a mention: it renders in the report's mrkdwn line, never in plain text.
        const scope = all
          ? cat.report.scopeAll
          : cat.report.scopeChannel(channelMention(body.channel_id));
        r = renderReport(report, deps.cases.playbook, cat, scope);
      } catch (e) {
        await ack(ephemeral(friendly(e, cat, deps.log)));
        return;
      }
      await ack(ephemeral(r.text, r.blocks));
      return;
    }
    if (!isCreate && word === 'export') {
      await ack();
      // A file with every case of the workspace goes to the person only (their DM with Amends),
      // never to the channel the command was typed in.
      // Every case of the workspace, private channels' included: for its admins only.
      let u: { is_admin?: boolean; is_owner?: boolean } | undefined;
      try {
        u = (await client.users.info({ user })).user as typeof u;
      } catch (e) {
        // No file was made: the person reads that the check failed, not that an upload did.
        deps.log('export: admin check failed', { error: String(e) });
        await say(cat.report.exportAdminCheckFailed);
        return;
      }
      if (!u?.is_admin && !u?.is_owner) {
        await say(cat.report.exportAdminsOnly);
        return;
      }
      // Written a page at a time between other requests (seconds with 10^5 events).
      let csv: ExportFiles;
      try {
        csv = await deps.reports.exportCsv(team);
      } catch (e) {
        await say(friendly(e, cat, deps.log));
        return;
      }
      try {
        const dm = await client.conversations.open({ users: user });
        const channel = dm.channel?.id;
        if (!channel) throw new Error('no DM channel');
        const day = deps.cases.now().toISOString().slice(0, 10);
        // Two files in one message: the case sheet (one row per case), then the timeline.
        await shareFiles(
          client,
          [
            { ...csv.cases, filename: `amends-cases-${day}.csv`, title: `Amends cases ${day}` },
            {
              ...csv.timeline,
              filename: `amends-timeline-${day}.csv`,
              title: `Amends timeline ${day}`,
            },
          ],
          { channelId: channel, comment: cat.report.exportReady },
        );
      } catch (e) {
        deps.log('export failed', { error: String(e), slack: slackErrorCode(e) });
        await say(cat.report.exportFailed);
      }
      return;
    }
    if (!isCreate && text && word !== 'list' && (SUBCOMMANDS.has(word) || !/\s/.test(text))) {
      if (await deps.profiles.isFresh(team, user, deps.cases.now())) {
        const r = renderHelp(cat);
        await ack(ephemeral(r.text, r.blocks));
        return;
      }
      // A first request: Slack is asked for the person's language (briefly) before they read a word.
      await ack();
      const { lang } = await deps.profiles.resolve(team, user, deps.cases.now(), LOOKUP_MS);
      const r = renderHelp(t(lang));
      await say(r.text, r.blocks);
      return;
    }
    if (!isCreate && (!text || word === 'list')) {
      // The form, or the list: a replayed or retried command (same trigger_id) does nothing again.
      let first: boolean;
      try {
        first = await deps.cases.firstDelivery(team, requestKey);
      } catch (e) {
        await ack(ephemeral(friendly(e, cat, deps.log)));
        return;
      }
      await ack();
      if (!first) return;
      if (!text) {
        // The form speaks the person's language and reads its dates in their time zone: Slack is
        // asked first (briefly: the trigger lasts 3 s), and the answer is cached for the submission.
        const { lang } = await deps.profiles.resolve(team, user, deps.cases.now(), LOOKUP_MS);
        const known = await knownClients(deps, team);
        try {
          await client.views.open({
            trigger_id: body.trigger_id,
            view: openCaseModal(t(lang), body.channel_id, user, lang, {}, known),
          });
        } catch (e) {
          // Said privately (the response URL), in their language: the form did not open.
          deps.log('views.open failed', { error: String(e) });
          await say(formFailed(e, t(lang)));
          return;
        }
        await deps.profiles.resolve(team, user, deps.cases.now());
        return;
      }
      await showWaiting(deps, team, body.channel_id);
      const fresh = await deps.cases.list(team, body.channel_id, user);
      const r = renderList(
        fresh,
        deps.cases.playbook,
        cat,
        body.team_domain ?? null,
        deps.cases.now(),
      );
      await say(r.text, r.blocks);
      return;
    }

    let stored: RecoveryCase;
    try {
      const { client: clientName, summary } = parseQuickText(text);
      stored = await deps.cases.open({
        teamId: team,
        channelId: body.channel_id,
        creatorId: user,
        client: clientName,
        summary,
        requestKey,
      });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'duplicate_request') {
        await ack();
        return;
      }
      // Nothing was stored: the user reads why in the answer to the command itself.
      await ack(ephemeral(friendly(e, cat, deps.log)));
      return;
    }
    await ack();
    // Cases stored here earlier (the bot was not in the channel) go first, in order.
    await showWaiting(deps, team, body.channel_id, stored.id);
    const shown = await deps.presenter.publish(stored);
    // Publishing asked Slack for the person's profile: what is said now is in their language.
    const said = await catFor(deps, team, user);
    if (shown.ok) {
      // A workspace paused earlier works again. Its record failing must not hide that the case was
      // posted: the next post that works resumes it.
      await deps.workspaces
        .resume(team)
        .catch((e: unknown) =>
          deps.log('could not record that the workspace works again', { error: String(e) }),
        );
      if (shown.movedFrom) await say(said.shared.movedTo(`<#${shown.case.channelId}>`));
      return;
    }
    if (shown.code === CHANNEL_SHARED) {
      // Said privately (the response URL): nothing of the case reaches the shared channel.
      await say(said.shared.notPosted, moveBlocks(stored, said.shared.notPosted, said));
      return;
    }
    await say(notShown(shown.code, said));
  });
}
