import { LANGUAGES, type Lang, t } from '../../../i18n/index.js';
import { friendly } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { type Command, choices, ephemeral } from './command.js';

/** `/incident language [code]`: the person's language, said or chosen; answered in the ack. */
export function languageCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    const { cat, args } = c;
    const arg = c.text.split(/\s+/)[1]?.toLowerCase() ?? '';
    if (!arg) {
      await args.ack(ephemeral(cat.language.current(cat.langName, choices)));
      return;
    }
    if (!(LANGUAGES as readonly string[]).includes(arg)) {
      await args.ack(ephemeral(cat.language.unknown(choices)));
      return;
    }
    let chosen: Lang;
    try {
      chosen = await deps.profiles.chooseLanguage(c.team, c.user, arg);
    } catch (e) {
      await args.ack(ephemeral(friendly(e, cat, deps.log)));
      return;
    }
    const now = t(chosen);
    await args.ack(ephemeral(now.language.set(now.langName)));
  };
}
