import type { Log } from '../../log.js';

/**
 * Buttons (or forms) registered with Bolt once and dispatched here by their id, because Bolt runs
 * every registered listener's middleware chain for every request. An id nobody handles goes to
 * `unmatched`, which acknowledges it at once instead of leaving Slack to wait 3 s for a 404.
 */
export function byId<A>(
  idOf: (args: A) => string | undefined,
  unmatched?: (args: A) => Promise<void>,
): {
  on(id: string, listener: (args: A) => Promise<void>): void;
  dispatch(args: A): Promise<void>;
} {
  const routes = new Map<string, (args: A) => Promise<void>>();
  return {
    on(id, listener) {
      if (routes.has(id)) throw new Error(`two listeners for ${id}`);
      routes.set(id, listener);
    },
    async dispatch(args) {
      const id = idOf(args);
      const listener = id === undefined ? undefined : routes.get(id);
      if (listener) await listener(args);
      else await unmatched?.(args);
    },
  };
}

/**
 * A button or form no listener of this version handles (one from an older version, a stray
 * request): acknowledged at once, nothing stored, nothing said.
 */
export async function unhandled(
  ack: () => Promise<void>,
  log: Log,
  what: { kind: 'action' | 'view' | 'shortcut'; id: string | undefined },
): Promise<void> {
  await ack();
  log.info('nothing handles this; acknowledged', what);
}

/**
 * `byId` for one kind of request (each kind has its own ids): a request nobody handles is
 * acknowledged at once and logged (see unhandled).
 */
export function byIdOf<A extends { ack(): Promise<void> }>(
  kind: 'action' | 'view' | 'shortcut',
  idOf: (args: A) => string | undefined,
  log: Log,
) {
  return byId<A>(idOf, (a) => unhandled(() => a.ack(), log, { kind, id: idOf(a) }));
}
