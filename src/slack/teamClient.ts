import { AsyncLocalStorage } from 'node:async_hooks';
import { type WebAPICallResult, WebClient, type WebClientOptions } from '@slack/web-api';

/** The workspace the work in progress belongs to (a request's, a reminder's, a case's). */
const current = new AsyncLocalStorage<{ readonly team: string; readonly token?: string }>();

/**
 * Runs `fn` as work for workspace `team`: every Web API call made through a TeamClient inside it,
 * however deep, carries that workspace's own token. A request's work is given the token Bolt
 * authorized it with; other work has it looked up. Work already running for `team` keeps its token.
 */
export function forTeam<T>(team: string, fn: () => T, token?: string): T {
  const now = current.getStore();
  if (now?.team === team && !token) return fn();
  return current.run(token ? { team, token } : { team }, fn);
}

/** The workspace of the work in progress (null: none said). */
export function currentTeam(): string | null {
  return current.getStore()?.team ?? null;
}

/** A Web API call made outside any workspace's work: with many workspaces, it has no token. */
export class NoWorkspace extends Error {
  constructor(method: string) {
    super(`a Slack call (${method}) outside any workspace's work: no token to call it with`);
    this.name = 'NoWorkspace';
  }
}

/** A workspace's bot token, as its installation has it now (refreshed if it rotates). */
export type TokenOf = (team: string) => Promise<string>;

const TOKEN_TTL_MS = 60_000;

/**
 * One Web API client for many workspaces (OAuth): each call is made with the token of the workspace
 * whose work is in progress (`forTeam`), and refused, without calling Slack, when there is none.
 * The adapters keep calling `client.chat.postMessage(…)` as with one workspace; which token goes
 * out is decided here, in one place. Tokens are kept a minute: a token revoked meanwhile is
 * refused by Slack (and the workspace paused); `forget` drops one at once (uninstalled).
 */
export class TeamClient extends WebClient {
  readonly #tokenOf: TokenOf;
  readonly #tokens = new Map<string, { token: Promise<string>; until: number }>();

  constructor(tokenOf: TokenOf, options: WebClientOptions) {
    super(undefined, options);
    this.#tokenOf = tokenOf;
  }

  override async apiCall(
    method: string,
    options: Record<string, unknown> = {},
  ): Promise<WebAPICallResult> {
    // A token given with the call (Bolt's own, for a request) wins: it is that request's workspace's.
    if (options.token) return super.apiCall(method, options);
    const work = current.getStore();
    if (!work) throw new NoWorkspace(method);
    return super.apiCall(method, {
      ...options,
      token: work.token ?? (await this.#token(work.team)),
    });
  }

  #token(team: string): Promise<string> {
    const now = Date.now();
    const known = this.#tokens.get(team);
    if (known && known.until > now) return known.token;
    const token = this.#tokenOf(team);
    this.#tokens.set(team, { token, until: now + TOKEN_TTL_MS });
    // A failed lookup is not kept: the next call asks again.
    token.catch(() => {
      if (this.#tokens.get(team)?.token === token) this.#tokens.delete(team);
    });
    return token;
  }

  /** Forgets a workspace's token (uninstalled, or Slack refused it). */
  forget(team: string): void {
    this.#tokens.delete(team);
  }
}
