import { describe, expect, it } from 'vitest';
import { Gate, LagMeter, RECEIVED_AT, Refused } from '../../src/slack/gate.js';

/** Runs one request through the gate's middleware; `work` stands for the listener. */
function run(
  gate: Gate,
  o: { receivedAt?: number; command?: boolean; work?: () => Promise<void> } = {},
) {
  const acks: unknown[] = [];
  const args = {
    body: o.command ? { command: '/incident', team_id: 'T1', user_id: 'U1' } : { type: 'x' },
    context: o.receivedAt === undefined ? {} : { [RECEIVED_AT]: o.receivedAt },
    ack: async (r?: unknown) => void acks.push(r),
    next: o.work ?? (async () => {}),
  };
  return { acks, done: gate.middleware(args as never) };
}

const gate = (now = () => 10_000) =>
  new Gate({ maxInFlight: 2, maxWaitMs: 1500, now, busyText: () => 'busy' });

describe('the gate', () => {
  it('refuses a request that waited longer than maxWaitMs, and takes one that did not', async () => {
    const g = gate();
    let ran = 0;
    const work = async () => void ran++;
    await run(g, { receivedAt: 10_000 - 1500, work }).done;
    await expect(run(g, { receivedAt: 10_000 - 1501, work }).done).rejects.toBeInstanceOf(Refused);
    expect(ran).toBe(1);
    expect(g.refused.busy).toBe(1);
  });

  it('a refused slash command is answered with the busy text and never reaches its listener', async () => {
    const g = gate();
    let ran = false;
    const work = async () => {
      ran = true;
    };
    const r = run(g, { receivedAt: 0, command: true, work });
    await r.done;
    expect(r.acks).toEqual([{ response_type: 'ephemeral', text: 'busy' }]);
    expect(ran).toBe(false);
  });

  it('counts what is in flight, refuses past the limit, and idle() resolves when all is done', async () => {
    const g = gate();
    const finish: (() => void)[] = [];
    const hold = () => new Promise<void>((r) => finish.push(r));
    const a = run(g, { work: hold });
    const b = run(g, { work: hold });
    expect(g.active).toBe(2);
    await expect(run(g).done).rejects.toMatchObject({ why: 'busy' });
    let idle = false;
    const idling = g.idle().then(() => {
      idle = true;
    });
    finish[0]?.();
    await a.done;
    expect(idle).toBe(false);
    finish[1]?.();
    await b.done;
    await idling;
    expect(g.active).toBe(0);
  });

  it('refuses while the event loop runs late, and takes requests again once it catches up', async () => {
    let lag = 400;
    const g = new Gate({
      maxInFlight: 100,
      maxWaitMs: 1500,
      maxLagMs: 150,
      lag: () => lag,
      busyText: () => 'busy',
    });
    const late = run(g, { command: true });
    await late.done;
    expect(late.acks).toEqual([{ response_type: 'ephemeral', text: 'busy' }]);
    lag = 10;
    let ran = false;
    await run(g, {
      command: true,
      work: async () => {
        ran = true;
      },
    }).done;
    expect(ran).toBe(true);
  });

  it('after close(), every request is refused as stopping', async () => {
    const g = gate();
    g.close();
    await expect(run(g, { command: true }).done).rejects.toMatchObject({ why: 'stopping' });
    expect(g.refused.stopping).toBe(1);
  });
});

describe('LagMeter (how late the event loop runs; times are given, nothing waits)', () => {
  const beats = (m: LagMeter, from: number, every: number, n: number) => {
    let t = from;
    for (let i = 0; i < n; i++) {
      t += every;
      m.beat(t);
    }
    return t;
  };

  it('on time it reads 0, even inside one long turn: what queued behind a pause is taken', () => {
    const m = new LagMeter(20, 0);
    const t = beats(m, 0, 20, 10);
    expect(m.lag(t + 5)).toBe(0);
    expect(m.lag(t + 110)).toBe(0);
  });

  it('once the loop runs late, a long turn reads how overdue the next beat is', () => {
    const m = new LagMeter(20, 0);
    const t = beats(m, 0, 20 + 12, 5); // every beat 12 ms late: smoothed ~8.1 ms
    expect(m.lag(t)).toBeCloseTo(12 * (1 - 0.8 ** 5), 5);
    // 55 ms into a turn that has not let the timer fire: 35 ms overdue, refused past 15.
    expect(m.lag(t + 55)).toBe(35);
  });

  it('one pause (a reminder tick, a GC) is forgotten once the loop is back on time', () => {
    const m = new LagMeter(20, 0);
    let t = beats(m, 0, 20, 10);
    t += 20 + 60; // one beat 60 ms late
    m.beat(t);
    expect(m.lag(t)).toBeLessThan(15);
    t = beats(m, t, 20, 10);
    expect(m.lag(t)).toBeLessThan(2);
  });

  it('lateness that persists is read as lateness within a few beats', () => {
    const m = new LagMeter(20, 0);
    const t = beats(m, 0, 20 + 45, 8); // every beat 45 ms late
    expect(m.lag(t)).toBeGreaterThan(15);
  });
});
