import type { Client, ClientDetails } from '../domain/client.js';
import type { StepKey } from '../domain/playbook.js';
import type { Changed, RecoveryCase } from '../domain/recoveryCase.js';
import type { PlannedReminder, Reminder } from '../domain/reminders.js';

/*
 * What the use-cases need from the world, as interfaces: the store (src/store/) and the Slack
 * adapter (src/slack/) implement them, and the composition root wires them in. Services import
 * nothing else outside domain/ and i18n/ (biome.json enforces it).
 */

/**
 * The repositories as one unit of work sees them: every read and write through them is part of its
 * transaction (on PostgreSQL, on the connection it holds), so no write can escape it.
 */
export interface Tx extends Repos {
  /** A savepoint: a throw rolls back only `fn`'s writes, and the unit goes on. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Every repository. Used outside a unit of work, each call is a transaction of its own. */
export interface Repos {
  readonly cases: CaseStore;
  readonly reminders: ReminderStore;
  readonly lines: LineStore;
  readonly workspaces: WorkspaceStore;
  readonly profiles: ProfileStore;
  readonly leases: LeaseStore;
  readonly processes: ProcessStore;
  readonly sharing: SharingStore;
  readonly viewers: HomeViewerStore;
  readonly clients: ClientStore;
}

/** The clients of each workspace, found by clientKey(name) (no case, no accents). */
export interface ClientStore {
  get(teamId: string, id: number): Promise<Client | null>;
  byKey(teamId: string, key: string): Promise<Client | null>;
  /** The workspace's clients, the most recently used first, at most `limit`. */
  list(teamId: string, limit: number): Promise<Client[]>;
  /**
   * Stores the client named `name` (its key: clientKey(name)) with these details, the record's
   * name becoming `name`. A record already there under the key is updated: each detail given
   * replaces the stored one, a null detail keeps it. Returns the record as stored.
   */
  save(
    teamId: string,
    key: string,
    name: string,
    details: ClientDetails,
    now: Date,
  ): Promise<Client>;
}

/**
 * Runs a use-case's load, decide (pure, in domain/) and save atomically. Slack is never called
 * inside: decide and write, commit, then call Slack, then record what it answered.
 */
export interface UnitOfWork {
  /**
   * Runs `fn` in one transaction (on SQLite the write lock is taken first and units run one after
   * another; on PostgreSQL one pooled connection is held) and commits; a throw rolls it all back.
   * `light`: records of what Slack already shows, whose commit need not wait for the disk.
   */
  run<T>(fn: (tx: Tx) => Promise<T>, opts?: { readonly light?: boolean }): Promise<T>;
}

/** A new case's client: the name (its key: clientKey(name)) and details ClientStore.save takes. */
export interface CaseClient {
  readonly key: string;
  readonly name: string;
  readonly details: ClientDetails;
}

/** The recovery-case aggregate (case, steps and audit events). All but listUnposted take a team. */
export interface CaseStore {
  get(teamId: string, id: number): Promise<RecoveryCase | null>;
  /** Like get; throws DomainError('case_not_found') when there is no such case. */
  require(teamId: string, id: number): Promise<RecoveryCase>;
  /**
   * Stores a new case with its steps and first event. A `requestKey` already seen stores nothing and
   * throws DomainError('duplicate_request').
   */
  insert(
    changed: Changed,
    now: Date,
    requestKey?: string,
    /**
     * What the case was opened from (channel, person and words), remembered for `withinMs`: the same
     * again within that time stores nothing and throws DomainError('same_case'), in the transaction.
     */
    same?: { readonly key: string; readonly withinMs: number },
    /**
     * The case's client record, saved with it (as ClientStore.save would, in the same write) and
     * linked to it: the case returned has its clientId.
     */
    client?: CaseClient,
  ): Promise<RecoveryCase>;
  /**
   * Read, decide (pure), write the case and its event in one transaction, the case's write lock taken
   * first. With a `requestKey` (a modal's view id) a repeated delivery changes nothing and throws
   * `duplicate_request`, in the same transaction.
   */
  update(
    teamId: string,
    id: number,
    now: Date,
    decide: (c: RecoveryCase) => Changed,
    requestKey?: string,
  ): Promise<Changed>;
  /** Writes a case and its steps; pending reminders of steps no longer open are cancelled. */
  save(c: RecoveryCase): Promise<void>;
  setMessageTs(teamId: string, id: number, ts: string): Promise<void>;
  setDeliveryProblem(teamId: string, id: number, problem: string | null): Promise<void>;
  /** Open cases of a channel plus the user's own, newest first. */
  listOpen(
    teamId: string,
    channelId: string,
    userId: string,
    limit?: number,
  ): Promise<RecoveryCase[]>;
  listOwned(teamId: string, userId: string, limit?: number): Promise<RecoveryCase[]>;
  /** The workspace's open cases, newest first. */
  listOpenInTeam(teamId: string, limit: number): Promise<RecoveryCase[]>;
  /** Open cases of every team never shown in Slack (their parent post failed), oldest first. */
  listUnposted(limit: number): Promise<RecoveryCase[]>;
  /** A channel's open cases whose post Slack refused, oldest first (at most 50). */
  listWaitingIn(teamId: string, channelId: string): Promise<RecoveryCase[]>;
  /** Marks a request key as handled; false if it already was. */
  remember(teamId: string, key: string, now: Date): Promise<boolean>;
  forgetRequestsBefore(t: Date): Promise<void>;
  setFirstReply(teamId: string, id: number, ts: string): Promise<void>;
  /** The parent was drawn at `at` from the case at `version`. */
  setRenderedAt(teamId: string, id: number, at: Date, version: number): Promise<void>;
  listMissingFirstReply(before: Date, limit: number): Promise<RecoveryCase[]>;
  listStaleParents(now: Date, limit: number): Promise<RecoveryCase[]>;
  /** The first reply's ts, if one is on record ([] or [ts]). */
  firstReplyOf(teamId: string, id: number): Promise<string[]>;
}

/** Where a page of due steps ended (the last step's due time, case and key): the next starts after it. */
export interface DueCursor {
  readonly at: number;
  readonly caseId: number;
  readonly key: string;
}

export interface DuePage {
  readonly cases: readonly { teamId: string; ownerId: string; caseId: number }[];
  readonly next: DueCursor | null;
}

/**
 * A reminder just claimed, with its case's channel read in the same statement (null: the case is
 * gone): delivery queues it by channel without reading the case until it posts it.
 */
export interface ClaimedReminder extends Reminder {
  readonly channelId: string | null;
}

/** A channel's next free time (see ReminderStore.pushPace). */
export interface Pace {
  readonly teamId: string;
  readonly channelId: string;
  readonly until: number;
}

/** The reminder outbox. */
export interface ReminderStore {
  /**
   * Cases with at least one step needing the engine's attention at `now`; with `people`, their
   * owner and creator too (their profiles are looked up before planning).
   */
  casesNeedingAttention(
    now: Date,
    limit: number,
    o?: { readonly people?: boolean },
  ): Promise<{ teamId: string; caseId: number; ownerId?: string; creatorId?: string }[]>;
  /** Reserves a post slot in a channel shared by every process (see ReminderRepo.reservePace). */
  reservePace(
    teamId: string,
    channelId: string,
    now: number,
    intervalMs: number,
    staleMs: number,
  ): Promise<number>;
  /** Nothing more in this channel before `until`. */
  pushPace(teamId: string, channelId: string, until: number): Promise<void>;
  /**
   * One page of the steps needing attention before `before`, in order, after `after`: the posted
   * open cases they belong to (a case once per due step), and where the next page starts (null
   * after the last). For the morning digest, which must not hold the event loop over 10^5 cases.
   */
  casesDuePage(before: Date, after: DueCursor | null, limit: number): Promise<DuePage>;
  /** Adds outbox rows; a (case, step, kind, occurrence) already there is left as it is. */
  enqueue(
    c: RecoveryCase,
    stepKey: StepKey,
    planned: readonly PlannedReminder[],
    now: Date,
  ): Promise<void>;
  /**
   * Moves up to `limit` ready reminders (of workspaces not paused) to 'claimed', atomically, for
   * `holder` (recorded, so a restart can tell a dead process's claims); each with its case's channel.
   */
  claimReady(now: Date, limit: number, holder?: string | null): Promise<ClaimedReminder[]>;
  get(id: number): Promise<Reminder | null>;
  /**
   * Recorded as posted; with `pace`, the channel's next free time moved on too (pushPace), in the
   * same statement where the engine allows it.
   */
  markSent(id: number, ts: string, now: Date, pace?: Pace): Promise<void>;
  /** Back to the queue, not before `at`. */
  release(id: number, at: Date, error: string | null): Promise<void>;
  /** Back to the queue, not before `at`, without counting as an attempt (it was never tried). */
  postpone(id: number, at: Date, why: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  /** A claimed reminder that must not be posted after all. */
  cancelClaimed(id: number, why: string): Promise<void>;
  /**
   * Takes over a claim another process left (it is gone, or its lease ran out), if it is still as
   * seen (same holder, same claim time): one process settles it, however many look at once.
   */
  takeOver(
    id: number,
    from: string | null,
    claimedAt: Date | null,
    holder: string,
    now: Date,
  ): Promise<boolean>;
  /** Every claimed reminder, whichever process claimed it. */
  inFlight(): Promise<Reminder[]>;
  /** Every reminder of a case, whatever its status. */
  forCase(teamId: string, caseId: number): Promise<Reminder[]>;
  /** The claims' lease runs from `now` again: the process holding them is alive and working. */
  renew(ids: readonly number[], now: Date): Promise<void>;
  /**
   * Reminders of a channel's open cases that failed because the bot was not in the channel go back
   * to the queue (the bot has been invited). Returns how many.
   */
  retryChannel(teamId: string, channelId: string, now: Date): Promise<number>;
}

/** What a thread line says: Slack's fallback text and its blocks (rendered by the Slack adapter). */
export interface LineBody {
  readonly text: string;
  readonly blocks: readonly unknown[];
  /**
   * Not a message but the meeting's invite (an .ics file), drawn when it is sent from the meeting
   * as saved: its time, and its SEQUENCE (the case's version then).
   */
  readonly invite?: {
    readonly kind: 'meeting' | 'fix';
    readonly at: string;
    readonly sequence: number;
    /** The meeting at `at` is cancelled: the .ics withdraws it (STATUS:CANCELLED). */
    readonly cancelled?: boolean;
  };
}

export interface PendingLine {
  readonly id: number;
  readonly teamId: string;
  readonly caseId: number;
  readonly body: LineBody;
  readonly createdAt: Date;
}

/** Thread lines waiting to be posted, in the order their changes were stored. */
export interface LineStore {
  add(teamId: string, caseId: number, body: LineBody, now: Date): Promise<number>;
  pendingFor(teamId: string, caseId: number): Promise<PendingLine[]>;
  /** Cases with a line pending since before `before` (a run that died left it), oldest first. */
  casesWithPending(before: Date, limit: number): Promise<{ teamId: string; caseId: number }[]>;
  markSent(id: number, ts: string): Promise<void>;
  /** What a case's lines posted: message ts, and `file:<id>` for the invite files. */
  sentFor(teamId: string, caseId: number): Promise<string[]>;
}

/** Workspaces whose reminders are paused (token revoked, app uninstalled). */
export interface WorkspaceStore {
  /** Pauses its reminders (an uninstalled workspace stays uninstalled). */
  pause(teamId: string, reason: string, now: Date): Promise<void>;
  resume(teamId: string): Promise<void>;
  pausedReason(teamId: string): Promise<string | null>;
  /** The workspace uninstalled Amends: paused as `uninstalled` from the first word of it. */
  uninstalled(teamId: string, now: Date): Promise<void>;
  /** Workspaces uninstalled before `at`, the oldest first. */
  uninstalledBefore(at: Date): Promise<string[]>;
  /**
   * Deletes everything of a workspace still uninstalled since before `before`, in one
   * transaction: the rows deleted per table, or null when it is installed again.
   */
  purge(teamId: string, before: Date): Promise<Record<string, number> | null>;
}

/** Cached Slack user facts, so reminders don't call users.info on every tick. */
export interface ProfileStore {
  get(teamId: string, userId: string): Promise<UserProfile | null>;
  put(teamId: string, userId: string, facts: UserFacts, now: Date): Promise<void>;
  /** Stores the language a person chose; Slack's later answers never overwrite it. */
  choose(teamId: string, userId: string, lang: string): Promise<void>;
}

/** What the services need to know about a Slack user. */
export interface UserFacts {
  readonly tz: string | null;
  readonly locale: string | null;
  readonly name: string | null;
}

/** UserFacts as cached, with when Slack gave them. */
export interface UserProfile extends UserFacts {
  readonly fetchedAt: Date;
  /** The language the person chose in Amends, over their Slack locale (null: none chosen). */
  readonly chosenLang?: string | null;
}

/** Looks a user up in Slack (users.info). Null when the user does not exist. */
export interface UserDirectory {
  lookup(teamId: string, userId: string): Promise<UserFacts | null>;
}

/**
 * Why a delivery failed, as the reminder engine needs to know it:
 * rate_limited  wait `retryAfterMs`, then try again
 * channel       the channel is gone or closed to us: fail the reminder, flag the case, no retries
 * auth          the workspace's token no longer works: pause the workspace
 * transient     timeouts, 5xx, network: try again later from the outbox
 */
export type DeliveryFailureKind = 'rate_limited' | 'channel' | 'auth' | 'transient';

/**
 * SQLite's primary result codes (better-sqlite3 puts the extended one on `code`, e.g.
 * SQLITE_IOERR_WRITE) that mean the storage itself failed: full, unreadable, locked, read-only.
 * A constraint or a mistake in a query is not one of them.
 */
const STORAGE_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
  'SQLITE_PERM',
  'SQLITE_NOLFS',
]);

/**
 * PostgreSQL's SQLSTATE classes that mean the database could not do the work (not a mistake in a
 * query): 08 connection, 53 insufficient resources, 57 operator intervention (shutdown, cancel),
 * 58 system error, XX internal; and 40 (serialization failure, deadlock): rolled back, try again.
 */
const PG_STORAGE_CLASSES = new Set(['08', '40', '53', '57', '58', 'XX']);
/** Node's socket errors when the database server cannot be reached at all. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** True when a write (or read) failed because the storage did: the transaction was rolled back. */
export function isStorageFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) {
    const [sqlite, primary] = code.split('_');
    return STORAGE_CODES.has(`${sqlite}_${primary}`);
  }
  if (NET_CODES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && PG_STORAGE_CLASSES.has(code.slice(0, 2));
}

export class DeliveryFailure extends Error {
  constructor(
    readonly kind: DeliveryFailureKind,
    readonly code: string,
    readonly retryAfterMs = 0,
  ) {
    super(`${kind}: ${code}`);
    this.name = 'DeliveryFailure';
  }
}

/** Posts reminders into case threads and re-renders case messages. Implemented by the Slack adapter. */
export interface ReminderChannel {
  /** Posts the reminder into the case's thread with metadata carrying `key`; returns the message ts. Throws DeliveryFailure. */
  deliver(r: Reminder, c: RecoveryCase, key: string): Promise<string>;
  /** Looks for an already-posted reminder with this key in the case thread; returns its ts or null. Throws DeliveryFailure. */
  findDelivered(c: RecoveryCase, key: string): Promise<string | null>;
  /** Every reminder posted in the case thread, key → ts (one paged conversations.replies). Throws DeliveryFailure. */
  deliveredIn(c: RecoveryCase): Promise<Map<string, string>>;
  /** Re-renders the case's parent message from stored state. */
  refreshCase(c: RecoveryCase): Promise<void>;
}

/**
 * Leases on work that must not run in two processes at once (posting a case, its thread lines):
 * held by one process, renewed while it works; another process takes one only once it has run out.
 */
export interface LeaseStore {
  /** Takes (or renews) `key` for `holder` until `now + ms`; false while another holder's lease runs. */
  take(key: string, holder: string, now: Date, ms: number): Promise<boolean>;
  /** Lets `key` go, if `holder` has it. */
  release(key: string, holder: string): Promise<void>;
  /** Who holds `key` now (null: nobody, or the lease ran out). */
  holderOf(key: string, now: Date): Promise<string | null>;
  /** Takes `key` from `from` (a holder known to be dead), if `from` still holds it. */
  takeFrom(key: string, from: string, holder: string, now: Date, ms: number): Promise<boolean>;
}

/**
 * Each process's heartbeat, in the database every process shares (see Liveness). Instants are
 * measured by the database's clock: on PostgreSQL the server's (`now` arguments are not used there:
 * replicas' clocks may disagree), on SQLite the caller's (one file, one host).
 */
export interface ProcessStore {
  /** `holder` is alive for `forMs` from now. */
  beat(holder: string, now: number, forMs: number): Promise<void>;
  /** `holder` stopped cleanly (its heartbeat is kept, run out: a holder known to be gone). */
  gone(holder: string): Promise<void>;
  /**
   * Whether `holder`'s heartbeat has run out at `now`: true (gone), false (alive), null (no
   * heartbeat known: a holder of an older version, left to its leases).
   */
  ranOut(holder: string, now: number): Promise<boolean | null>;
  /** The holders whose heartbeat has not run out at `now`. */
  alive(now: number): Promise<string[]>;
  /** Drops heartbeats that ran out more than `agoMs` before now. */
  forgetBefore(now: number, agoMs: number): Promise<void>;
}

/**
 * What every process knows of a channel's sharing outside the company: Slack's last answer, or that
 * it changed (a channel_shared event one replica received), so no replica posts a case into a
 * channel another has just learned is shared.
 */
export interface SharingStore {
  /** The last word on `channelId` and when it was said (ms); shared null: ask Slack again. */
  get(channelId: string): Promise<{ shared: boolean | null; at: number } | null>;
  /**
   * Records it, with the channel's name when Slack gave one (the export names channels from it; a
   * word without a name keeps the last one); an older word than the one stored changes nothing.
   */
  put(channelId: string, shared: boolean | null, at: number, name?: string | null): Promise<void>;
}

/**
 * Who looks at App Home, for every process: a change handled by one replica redraws the home of
 * the people it concerns wherever they opened theirs. A record of who looks, not state: a lost row
 * only means a home is redrawn when its viewer opens it again.
 */
export interface HomeViewerStore {
  /** `userId` opened App Home at `at` (ms). */
  opened(teamId: string, userId: string, at: number): Promise<void>;
  /** Of `userIds`, those who opened App Home at `since` (ms) or later. */
  watching(teamId: string, userIds: readonly string[], since: number): Promise<string[]>;
  /** Forgets who opened it before `at` (ms). */
  forgetBefore(at: number): Promise<void>;
}

/**
 * Where a workspace (or an Enterprise Grid org) installed Amends, as Slack's OAuth gave it: the
 * installation is Slack's object, kept whole (its tokens sealed at rest by the store). A
 * workspace's own installation is found by its team id alone; an org-wide one by its enterprise id.
 */
export interface InstallationRecord {
  readonly enterpriseId: string | null;
  readonly teamId: string | null;
  readonly isEnterpriseInstall: boolean;
  /** Who installed (or last re-installed) it: their own installation is kept too. */
  readonly userId: string;
  /** Slack's installation object (JSON), tokens included. */
  readonly installation: unknown;
}

/** Which installation: a workspace's (by team) or an org's (by enterprise, `isEnterpriseInstall`). */
export interface InstallationQuery {
  readonly enterpriseId?: string | null;
  readonly teamId?: string | null;
  readonly isEnterpriseInstall: boolean;
  /** Also the installation of this person, when they installed it themselves. */
  readonly userId?: string | null;
}

export interface InstallationStore {
  /**
   * Records an installation, as the workspace's latest and as its installer's; called again after
   * every token refresh, so an upsert.
   */
  save(rec: InstallationRecord, at: number): Promise<void>;
  /** The workspace's (or org's) latest installation, and the asking user's own if there is one. */
  find(q: InstallationQuery): Promise<{ latest: unknown; user: unknown | null } | null>;
  /**
   * Deletes the installation: with a `userId`, only that person's; without, the workspace's
   * (or org's) every row, tokens and all. The number of rows deleted.
   */
  delete(q: InstallationQuery): Promise<number>;
  /** Workspace `teamId` was seen in org `enterpriseId`, on a request through the org's install. */
  seenInOrg(teamId: string, enterpriseId: string, at: number): Promise<void>;
  /** The org a workspace was last seen in (null: none known). */
  orgOf(teamId: string): Promise<string | null>;
  /** The workspaces seen in an org. */
  teamsOf(enterpriseId: string): Promise<string[]>;
  /** Every workspace and org with an installation (for jobs that call Slack with no request). */
  installed(): Promise<
    { enterpriseId: string | null; teamId: string | null; isEnterpriseInstall: boolean }[]
  >;
}

/**
 * Runs `fn` as work for one workspace: with many workspaces (OAuth), every Slack call inside it is
 * made with that workspace's own token (the Slack adapter's TeamClient). With one workspace, `fn`
 * simply runs.
 */
export type InWorkspace = <T>(teamId: string, fn: () => Promise<T>) => Promise<T>;

/** A file posted into a case's thread (the meeting's invite). */
export interface ThreadFile {
  readonly content: string;
  readonly filename: string;
  readonly title: string;
  readonly comment: string;
}

/**
 * What Slack shows of a case, written by the presenter (services/presenter.ts) and rendered and
 * sent by the Slack adapter. Every method that writes throws DeliveryFailure; lookups too.
 */
export interface CaseView {
  /** True when the channel is shared with people outside the company (the client may read it). */
  isShared(channelId: string): Promise<boolean>;
  /** What is known of a channel's sharing without asking Slack (null: not known). */
  knownShared(channelId: string): boolean | null;
  /**
   * A channel's sharing just changed (an event): `shared` when it is known (channel_shared), or null
   * (Slack is asked again). Every process sees it before its next post there.
   */
  forgetSharing(channelId: string, shared?: boolean | null): Promise<void>;
  /** Posts the case's parent message, drawn at `now`, with metadata naming the case; its ts. */
  postParent(c: RecoveryCase, now: Date): Promise<string>;
  /** Redraws the parent from `c`, as at `now`. */
  updateParent(c: RecoveryCase, now: Date): Promise<void>;
  /** Replaces the parent with a neutral line without the case's details (the client may read it). */
  neutralParent(c: RecoveryCase): Promise<void>;
  /** Posts the case's first thread reply, with its metadata; its ts. */
  postFirstReply(c: RecoveryCase): Promise<string>;
  /** Posts a stored thread line, with its id in the metadata; its ts. */
  postLine(c: RecoveryCase, line: PendingLine): Promise<string>;
  /** Redraws one of the case's thread lines (its ts) with `body`. */
  updateLine(c: RecoveryCase, ts: string, body: { text: string; blocks: unknown[] }): Promise<void>;
  /** Posts a file into the case's thread; the file's id. */
  postFile(c: RecoveryCase, file: ThreadFile): Promise<string>;
  /** Deletes one of Amends' own messages. */
  deletePost(channelId: string, ts: string): Promise<void>;
  /** Deletes a file Amends uploaded (and so its share in the thread). */
  deleteFile(fileId: string): Promise<void>;
  /** Case parents posted in a channel since `since` (less a minute): case id → ts. */
  parentsIn(channelId: string, since: Date): Promise<Map<number, string>>;
  /** The case's first reply in its thread, if there: its ts. */
  firstReplyIn(c: RecoveryCase): Promise<string | null>;
  /**
   * What Amends posted in the case's thread (one paged conversations.replies): its lines (line id →
   * ts) and the names of the files shared there (file name → the file's id).
   */
  threadOf(c: RecoveryCase): Promise<{ lines: Map<number, string>; files: Map<string, string> }>;
  /**
   * A direct message to the case's owner with a button to move the case (it waits, or was
   * withdrawn), in `lang` (the owner's, when known).
   */
  tellOwner(c: RecoveryCase, why: 'waiting' | 'withdrawn', lang: string): Promise<void>;
  /** A private note to one person in a channel (or its thread). */
  note(channelId: string, userId: string, text: string, threadTs?: string): Promise<void>;
}

/** What the outbox holds at one instant, for /metrics (no team in it: one set of series). */
export interface OutboxState {
  /** The oldest reminder ready to go (`not_before` passed) and still pending: since when (ms). */
  readonly oldestReadyReminderAt: number | null;
  /** The oldest thread line waiting to be posted: when it was written (ms). */
  readonly oldestPendingLineAt: number | null;
  /** Reminders claimed by a process and not yet settled (sent, failed, released). */
  readonly claimsInFlight: number;
}

/** The store as operations see it (store/opsRepo.ts): the readiness probe and the outbox's gauges. */
export interface OpsStore {
  /** Whether the schema is the one this build writes. */
  schemaCurrent(): Promise<{ ok: boolean; version: number; expected: number }>;
  outbox(now: number): Promise<OutboxState>;
}

/** Details of a log line; `err` is the caught value itself (its stack is kept), never its text. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * What the code logs through (pino behind it, src/log.ts). A failure is logged at `error` with
 * `err`; an expected condition the code handles at `warn` or `info`. `child` binds fields (the
 * `team` and `case` a line is about) to every line logged through it.
 */
export interface Log {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Log;
}
