import type { ListenerDeps } from '../deps.js';
import { catFor } from '../deps.js';
import { type Command, type CommandArgs, ephemeral } from './command.js';
import { exportCommand } from './export.js';
import { helpCommand } from './help.js';
import { languageCommand } from './language.js';
import { listCommand } from './list.js';
import { newCaseCommand } from './newCase.js';
import { quickCaseCommand } from './quickCase.js';
import { reportCommand } from './report.js';

const SUBCOMMANDS = new Set(['list', 'help', 'language', 'report', 'export']);

/** Slack sends `&`, `<` and `>` of typed command text as entities: store what the user typed. */
const unescapeSlack = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

type Subcommand = 'language' | 'report' | 'export' | 'help' | 'form' | 'list' | 'open';

/** Which part of /incident the text asks for. Text with a colon is always a new case. */
function subcommandOf(text: string): Subcommand {
  if (text.includes(':')) return 'open';
  const word = text.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === 'language' || word === 'report' || word === 'export') return word;
  if (!text) return 'form';
  if (word === 'list') return 'list';
  // A known word, or one word alone: the help. Several words without a colon: a new case, which
  // says what is missing.
  if (SUBCOMMANDS.has(word) || !/\s/.test(text)) return 'help';
  return 'open';
}

/**
 * `/incident …`: parsed, then handed to its subcommand. Each stores first (the commit awaited),
 * acks, and only then calls Slack; what the user is told at once (help, a mistake in what they
 * typed) travels in the ack itself.
 */
export function incidentCommand(deps: ListenerDeps) {
  const run: Record<Subcommand, (c: Command) => Promise<void>> = {
    language: languageCommand(deps),
    report: reportCommand(deps),
    export: exportCommand(deps),
    help: helpCommand(deps),
    form: newCaseCommand(deps),
    list: listCommand(deps),
    open: quickCaseCommand(deps),
  };
  return async (args: CommandArgs): Promise<void> => {
    const { body, respond } = args;
    const team = body.team_id;
    const user = body.user_id;
    const text = unescapeSlack(body.text ?? '').trim();
    const c: Command = {
      args,
      team,
      user,
      cat: await catFor(deps, team, user),
      text,
      requestKey: `cmd:${body.trigger_id}`,
      say: (said, blocks) =>
        respond(ephemeral(said, blocks)).catch((e) => deps.log.error('respond failed', { err: e })),
    };
    await run[subcommandOf(text)](c);
  };
}
