import type { App, webApi } from '@slack/bolt';
import { DomainError } from '../../../domain/errors.js';
import type { RecoveryCase } from '../../../domain/recoveryCase.js';
import { parseQuickText } from '../../../services/cases.js';
import { renderHelp, renderList } from '../../blocks/lists.js';
import { openCaseModal } from '../../blocks/modals.js';
import { friendly, slackErrorCode } from '../../errors.js';
import { catFor, type ListenerDeps } from '../deps.js';

const SUBCOMMANDS = new Set(['list', 'help']);

/** Slack sends `&`, `<` and `>` of typed command text as entities: store what the user typed. */
const unescapeSlack = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** `/incident …`: ack at once, then open a case, show the modal, list cases or explain. */
export function registerIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command('/incident', async ({ ack, body, client, respond }) => {
    await ack();
    const team = body.team_id;
    const user = body.user_id;
    const cat = catFor(deps, team, user);
    const say = (text: string, blocks?: unknown[]) =>
      respond({
        response_type: 'ephemeral',
        text,
        ...(blocks ? { blocks: blocks as never } : {}),
      }).catch((e) => deps.log('respond failed', { error: String(e) }));
    const text = unescapeSlack(body.text ?? '').trim();
    const word = text.split(/\s+/)[0]?.toLowerCase() ?? '';
    const requestKey = `cmd:${body.trigger_id}`;
    try {
      const isCreate = text.includes(':');
      // A replayed or retried command (same trigger_id) does nothing the second time.
      if (!isCreate && !deps.cases.firstDelivery(team, requestKey)) return;
      if (!text) {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: openCaseModal(cat, body.channel_id, user),
        });
        return;
      }
      if (!isCreate) {
        if (word === 'list') {
          const cases = deps.cases.list(team, body.channel_id, user);
          for (const c of cases) {
            if (!c.messageTs && c.channelId === body.channel_id) await repost(deps, client, c);
          }
          const fresh = deps.cases.list(team, body.channel_id, user);
          const r = renderList(fresh, deps.cases.playbook, cat, body.team_domain ?? null);
          await say(r.text, r.blocks);
          return;
        }
        if (SUBCOMMANDS.has(word) || text.split(/\s+/).length === 1) {
          const r = renderHelp(cat);
          await say(r.text, r.blocks);
          return;
        }
      }
      const { client: clientName, summary } = parseQuickText(text);
      const c = await deps.cases.open({
        teamId: team,
        channelId: body.channel_id,
        creatorId: user,
        client: clientName,
        summary,
        requestKey,
      });
      try {
        const ts = await deps.presenter.postCase(client, c);
        deps.cases.attachMessage(c, ts);
        deps.workspaces.resume(team);
      } catch (e) {
        const code = slackErrorCode(e);
        deps.log('could not post the case; it is stored and will be posted by /incident list', {
          caseId: c.id,
          error: String(e),
        });
        await say(
          code === 'not_in_channel' || code === 'channel_not_found'
            ? cat.errors.notInChannel
            : cat.errors.slack(code ?? 'error'),
        );
      }
    } catch (e) {
      if (e instanceof DomainError && e.code === 'duplicate_request') return;
      await say(friendly(e, cat, deps.log));
    }
  });
}

/** A stored case whose first post failed (bot not in the channel yet) is posted on the next list. */
async function repost(
  deps: ListenerDeps,
  client: webApi.WebClient,
  c: RecoveryCase,
): Promise<void> {
  try {
    const ts = await deps.presenter.postCase(client, c);
    deps.cases.attachMessage(c, ts);
  } catch {
    // still not postable; the list shows it without a link
  }
}
