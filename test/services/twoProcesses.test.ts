import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import type { CaseService } from '../../src/services/cases.js';
import { deadOnThisHost, holderName, Leases } from '../../src/services/leases.js';
import type { CaseView, LeaseStore } from '../../src/services/ports.js';
import { Presenter } from '../../src/services/presenter.js';
import { renderCase } from '../../src/slack/blocks/caseMessage.js';
import { openInput } from '../helpers/builders.js';
import { openViaCommand, refresh } from '../helpers/cases.js';
import { type Harness, MARIA, startHarness, TEAM, testEngine } from '../helpers/harness.js';
import { type LogLine, memoryLog } from '../helpers/log.js';
import { type OtherProcess, startOtherProcess } from '../helpers/otherProcess.js';

const harnesses: Harness[] = [];
const others: OtherProcess[] = [];
async function harness(o: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(o);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const a of others.splice(0)) await a.stop();
  for (const h of harnesses.splice(0)) await h.close();
});

/**
 * A second bot process on the harness's database and Slack (its own connection and leases): a
 * process of its own, as in production (see test/helpers/otherProcess.ts).
 */
async function secondProcess(h: Harness, holder = 'host-b:2:beef'): Promise<OtherProcess> {
  const a = await startOtherProcess(h, { holder });
  others.push(a);
  return a;
}

const parentsOf = (h: Harness, caseId: number) =>
  h.fake.messages.filter(
    (m) =>
      m.metadata?.event_type === 'amends_case' &&
      Number(m.metadata.event_payload.case_id) === caseId,
  );
const firstRepliesOf = (h: Harness, caseId: number) =>
  h.fake.messages.filter(
    (m) =>
      m.metadata?.event_type === 'amends_case_first_reply' &&
      Number(m.metadata.event_payload.case_id) === caseId,
  );
const linePosts = (h: Harness) =>
  h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_line');

// SQLite only: two processes on one SQLite file (PostgreSQL replicas: test/e2e/replicas.test.ts).
describe.skipIf(testEngine() === 'postgres')('leases', () => {
  const t0 = new Date('2026-11-23T08:00:00Z');
  /** `s` seconds after t0. */
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  /** The lease repository on a fresh database, with 'case:1' taken by 'a' at t0 for 90 s. */
  async function takenByA() {
    const repo = (await harness()).amends.store.repos.leases;
    expect(await repo.take('case:1', 'a', t0, 90_000)).toBe(true);
    return repo;
  }

  it('has one holder at a time', async () => {
    const repo = await takenByA();
    expect(await repo.take('case:1', 'b', at(1), 90_000)).toBe(false);
  });

  it('is renewed by its holder', async () => {
    const repo = await takenByA();
    expect(await repo.take('case:1', 'a', at(60), 90_000)).toBe(true); // renewed: until 150 s
    expect(await repo.take('case:1', 'b', at(120), 90_000)).toBe(false);
    expect(await repo.holderOf('case:1', at(120))).toBe('a');
  });

  it('is taken by another only once run out', async () => {
    const repo = await takenByA();
    expect(await repo.take('case:1', 'a', at(60), 90_000)).toBe(true); // renewed: until 150 s
    expect(await repo.take('case:1', 'b', at(120), 90_000)).toBe(false);
    expect(await repo.take('case:1', 'b', at(151), 90_000)).toBe(true);
    expect(await repo.holderOf('case:1', at(152))).toBe('b');
  });

  it('released by a former holder, stays with its holder', async () => {
    const repo = await takenByA();
    expect(await repo.take('case:1', 'b', at(91), 90_000)).toBe(true);
    await repo.release('case:1', 'a'); // not a's any more: nothing happens
    expect(await repo.holderOf('case:1', at(92))).toBe('b');
  });

  it('released by its holder, has none', async () => {
    const repo = await takenByA();
    await repo.release('case:1', 'a');
    expect(await repo.holderOf('case:1', at(1))).toBeNull();
  });

  it('a holder that was a process of this host whose pid is gone is taken over at once', async () => {
    const h = await harness();
    const repo = h.amends.store.repos.leases;
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const dead = holderName('here', 999_999, 'aa');
    const abroad = holderName('there', 999_999, 'bb');
    const isDead = deadOnThisHost('here', (pid) => pid !== 999_999);
    expect(isDead(dead)).toBe(true);
    expect(isDead(abroad)).toBe(false); // another host's pid says nothing here
    expect(isDead(holderName('here', 1, 'cc'))).toBe(false);
    expect(isDead('not a holder')).toBe(false);
    await repo.take('case:7', dead, clock.now(), 90_000);
    await repo.take('case:8', abroad, clock.now(), 90_000);
    const mine = new Leases(repo, holderName('here', 1, 'dd'), clock, isDead);
    expect(await mine.acquire('case:7')).toBe(true);
    expect(await mine.acquire('case:8')).toBe(false);
    // Re-entrant in the process: the last release lets it go for everyone.
    expect(await mine.acquire('case:7')).toBe(true);
    await mine.release('case:7');
    expect(await repo.holderOf('case:7', clock.now())).toBe(mine.holder);
    await mine.release('case:7');
    expect(await repo.holderOf('case:7', clock.now())).toBeNull();
  });

  it('renewal fails once another process took a lease that ran out: the write is not made', async () => {
    const h = await harness();
    const repo = h.amends.store.repos.leases;
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const mine = new Leases(repo, 'a:1:aa', clock);
    expect(await mine.acquire('case:3')).toBe(true);
    clock.advance(100_000); // a hung call: the lease ran out
    expect(await repo.take('case:3', 'b:2:bb', clock.now(), 90_000)).toBe(true);
    expect(await mine.renew('case:3')).toBe(false);
  });
});

describe.skipIf(testEngine() === 'postgres')('two bot processes on one database', () => {
  it('a start-up sweep in a second process leaves alone a case the first is posting: one parent, one first reply', async () => {
    const h = await harness({ ackFirst: true });
    const release = h.fake.hold(); // the first process's posts are on their way
    const r = await h.command('Acme: late delivery');
    expect(r.status).toBe(200);
    const stored = (await h.amends.caseRepo.listOpenInTeam(TEAM, 10))[0];
    expect(stored?.messageTs).toBeNull();
    const b = await secondProcess(h);
    // What a second process does when it starts, while the first still posts the case (holding its
    // lease): it takes each case's lease before it reads Slack, so it leaves this one alone without
    // a single Web API call (N replicas make no more calls than one).
    const calls = h.fake.calls.length;
    const swept = await b.publishPending();
    expect(h.fake.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(swept).toEqual({ posted: 0, failed: 0, left: 1 });
    release();
    await h.fake.idle();
    await h.amends.drain(10_000);
    const id = stored?.id ?? 0;
    expect(parentsOf(h, id)).toHaveLength(1);
    expect(firstRepliesOf(h, id)).toHaveLength(1);
    expect((await refresh(h, { id } as never)).messageTs).toBe(parentsOf(h, id)[0]?.ts);
    expect(swept.posted).toBe(0);
  });

  it('lines left by an outage are delivered once when both processes sweep at the same moment', async () => {
    const h = await harness();
    const c = await openViaCommand(h, 'Acme: late delivery');
    // Three changes whose lines Slack did not take (an outage): stored, pending.
    for (const [n, key] of [
      [1, 'own_up'],
      [2, 'outline'],
      [3, 'meeting'],
    ] as const)
      await h.amends.cases.announce(
        () => h.amends.cases.complete({ teamId: TEAM, caseId: c.id, actor: MARIA }, key, null),
        () => ({ text: `line ${n}`, blocks: [] }),
      );
    expect(await h.amends.cases.pendingLines(TEAM, c.id)).toHaveLength(3);
    h.clock.advance(2 * 60_000);
    const b = await secondProcess(h);
    await Promise.all([h.amends.deliverPendingLines(), b.deliverPendingLines()]);
    // Whichever process holds the case posts them; the other leaves them.
    const ids = linePosts(h).map((m) => Number(m.metadata?.event_payload.line_id));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(linePosts(h).map((m) => m.text)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(await h.amends.cases.pendingLines(TEAM, c.id)).toHaveLength(0);
  });

  it('a redraw one process skips because the other holds the case is made by the next sweep: the parent ends on the stored state', async () => {
    const h = await harness();
    const c = await openViaCommand(h, 'Acme: late delivery');
    const b = await secondProcess(h);
    // Process A redraws after a change, and Slack is slow to answer it.
    const release = h.fake.hold();
    const a1 = await h.amends.cases.complete(
      { teamId: TEAM, caseId: c.id, actor: MARIA },
      'own_up',
      null,
    );
    // A's redraw is drawn and on its way to Slack (the call has reached it) before B changes anything.
    const onItsWay = new Promise<void>((resolve) => {
      const check = (call: { method: string }) => {
        if (call.method !== 'chat.update') return;
        h.fake.off('call', check);
        resolve();
      };
      h.fake.on('call', check);
    });
    const first = h.amends.presenter.refresh(a1.case);
    await onItsWay;
    // Meanwhile process B stores another change; its redraw finds the case held by A.
    await b.complete(TEAM, c.id, 'outline', MARIA, null);
    await b.refresh(TEAM, c.id);
    release();
    await first;
    await h.fake.idle();
    const drawn = () =>
      h.fake
        .callsTo('chat.update')
        .filter((x) => x.args.ts === c.messageTs)
        .at(-1)?.args;
    // A's update was drawn before B's change: Slack shows the older state for now.
    expect(JSON.stringify(drawn()?.blocks)).not.toEqual(
      JSON.stringify(
        renderCase(await refresh(h, c), h.amends.cases.playbook, h.clock.now()).blocks,
      ),
    );
    // The next sweep (either process) finds the parent behind the stored version and redraws it.
    h.clock.advance(60_000);
    await b.settleShown();
    const final = await refresh(h, c);
    expect(JSON.stringify(drawn()?.blocks)).toEqual(
      JSON.stringify(renderCase(final, h.amends.cases.playbook, h.clock.now()).blocks),
    );
    // And once drawn, it is not drawn again.
    const updates = h.fake.callsTo('chat.update').length;
    h.clock.advance(60_000);
    await b.settleShown();
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates);
  });
});

describe('a sweep after an outage stays within Slack’s Tier 3', () => {
  it('lines waiting in 30 threads: 25 threads are swept this minute, the other 5 the next', async () => {
    const h = await harness();
    const opened = [];
    for (let i = 0; i < 30; i++) opened.push(await openViaCommand(h, `Client ${i}: late delivery`));
    for (const c of opened)
      await h.amends.cases.announce(
        () => h.amends.cases.complete({ teamId: TEAM, caseId: c.id, actor: MARIA }, 'own_up', null),
        () => ({ text: `line for ${c.id}`, blocks: [] }),
      );
    h.clock.advance(2 * 60_000);
    const reads = () => h.fake.callsTo('conversations.replies').length;
    const before = reads();
    await h.amends.deliverPendingLines();
    expect(reads() - before).toBe(25);
    expect(linePosts(h)).toHaveLength(25);
    await h.amends.deliverPendingLines();
    expect(reads() - before).toBe(30);
    expect(linePosts(h)).toHaveLength(30);
  });
});

describe('a lease that can’t be taken at all', () => {
  it('the database closing under a publish: nothing is posted, nothing throws, the case waits', async () => {
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const c = { ...openCase(openInput(), DEFAULT_PLAYBOOK, clock.now()).case, id: 1 };
    const broken: LeaseStore = {
      take: async () => {
        throw new TypeError('The database connection is not open');
      },
      release: async () => {},
      holderOf: async () => null,
      takeFrom: async () => false,
    };
    const posted: string[] = [];
    const view = new Proxy({} as CaseView, {
      get: (_t, name) => async () => void posted.push(String(name)),
    });
    const logs: LogLine[] = [];
    const presenter = new Presenter({
      view,
      cases: {} as CaseService,
      clock,
      log: memoryLog((line) => void logs.push(line)),
      load: async () => c,
      leases: new Leases(broken, 'a:1:aa', clock),
      flag: async () => {},
    });
    expect(await presenter.publish(c)).toEqual({ ok: false, code: 'in_progress' });
    expect(posted).toEqual([]);
    // Logged as a failure, naming its workspace and case, with the error itself (its stack).
    expect(logs).toContainEqual({
      level: 'error',
      msg: 'could not take the case’s lease; left to the next sweep',
      fields: { team: c.teamId, case: c.id, err: expect.any(TypeError) },
    });
  });
});
