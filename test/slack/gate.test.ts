import { describe, expect, it } from 'vitest';
import { AcceptQueue, Gate, RECEIVED_AT, Refused } from '../../src/slack/gate.js';

/** A clock the test moves by hand. */
function manual(start = 10_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** Runs one request through the gate; `work` stands for the app's processing (it may ack). */
function run(
  gate: Gate,
  o: {
    receivedAt?: number;
    command?: boolean;
    work?: (ack: (r?: unknown) => Promise<void>) => Promise<void>;
  } = {},
) {
  const acks: unknown[] = [];
  const event = {
    body: o.command ? { command: '/incident', team_id: 'T1', user_id: 'U1' } : { type: 'x' },
    customProperties: o.receivedAt === undefined ? {} : { [RECEIVED_AT]: o.receivedAt },
    ack: async (r?: unknown) => void acks.push(r),
  };
  const done = gate.handle(event, () => (o.work ? o.work(event.ack) : event.ack()));
  return { acks, done };
}

const gate = (clock = manual(), o: { maxInFlight?: number; boundMs?: number } = {}) =>
  new Gate({
    maxInFlight: o.maxInFlight ?? 1000,
    boundMs: o.boundMs ?? 2000,
    now: clock.now,
    busyText: () => 'busy',
  });

describe('the gate', () => {
  /** Work that counts its runs and acknowledges at once. */
  const counting = () => {
    const counter = { ran: 0 };
    const work = async (ack: () => Promise<void>) => {
      counter.ran++;
      await ack();
    };
    return { counter, work };
  };

  it('takes a request that waited less than the bound', async () => {
    const g = gate(manual());
    const { counter, work } = counting();
    await run(g, { receivedAt: 10_000 - 1900, work }).done;
    expect(counter.ran).toBe(1);
    expect(g.refused.busy).toBe(0);
  });

  it('refuses a request that already waited past the bound, without running it', async () => {
    const g = gate(manual());
    const { counter, work } = counting();
    await expect(run(g, { receivedAt: 10_000 - 2100, work }).done).rejects.toBeInstanceOf(Refused);
    expect(counter.ran).toBe(0);
    expect(g.refused.busy).toBe(1);
  });

  /** A slash command received long ago, refused; `ran` says whether its work ran. */
  async function refusedCommand() {
    const g = gate();
    let ran = false;
    const r = run(g, {
      receivedAt: 0,
      command: true,
      work: async () => {
        ran = true;
      },
    });
    await r.done;
    return { acks: r.acks, ran };
  }

  it('a refused slash command is answered with the busy text', async () => {
    expect((await refusedCommand()).acks).toEqual([{ response_type: 'ephemeral', text: 'busy' }]);
  });

  it('a refused slash command never reaches the app', async () => {
    expect((await refusedCommand()).ran).toBe(false);
  });

  it('a burst that fits in the bound is taken whole, however long the loop stalled', async () => {
    const clock = manual();
    const g = gate(clock);
    // Acks 4 ms apart: 300 waiting requests are 1.2 s of work, inside 2 s.
    const pending: (() => Promise<void>)[] = [];
    const burst = Array.from({ length: 300 }, () =>
      run(g, {
        command: true,
        receivedAt: clock.now(),
        work: (ack) => new Promise<void>((resolve) => pending.push(() => ack().then(resolve))),
      }),
    );
    for (const release of pending) {
      clock.advance(4);
      await release();
    }
    await Promise.all(burst.map((b) => b.done));
    expect(g.refused.busy).toBe(0);
    expect(burst.every((b) => b.acks.length === 1 && b.acks[0] === undefined)).toBe(true);
  });

  /** A gate taught that acks come 20 ms apart, then holding 99 requests: full to its bound. */
  async function full() {
    const clock = manual();
    const g = gate(clock);
    // Teach the gate that acks come 20 ms apart while requests wait.
    const pending: (() => Promise<void>)[] = [];
    const hold = (ack: () => Promise<void>) =>
      new Promise<void>((resolve) => pending.push(() => ack().then(resolve)));
    const first = Array.from({ length: 60 }, () => run(g, { work: hold }));
    for (const release of pending.splice(0)) {
      clock.advance(20);
      await release();
    }
    await Promise.all(first.map((f) => f.done));
    expect(g.perAckMs).toBeGreaterThan(15);
    // 99 are taken and wait (the last is expected 2 s after it arrived, just in); one more that
    // already waited 100 ms for the loop would be acknowledged 2.1 s after it arrived.
    const waiting = Array.from({ length: 99 }, () => run(g, { work: hold }));
    expect(g.refused.busy).toBe(0);
    return { g, clock, pending, waiting };
  }

  it('past capacity it refuses what would be acknowledged after the bound', async () => {
    const { g, clock, pending, waiting } = await full();
    const more = run(g, { command: true, receivedAt: clock.now() - 100 });
    await more.done;
    expect(more.acks).toEqual([{ response_type: 'ephemeral', text: 'busy' }]);
    expect(g.refused.busy).toBe(1);
    for (const release of pending.splice(0)) await release();
    await Promise.all(waiting.map((w) => w.done));
  });

  it('past capacity it takes requests again as the queue drains', async () => {
    const { g, clock, pending, waiting } = await full();
    for (const release of pending.splice(0)) await release();
    await Promise.all(waiting.map((w) => w.done));
    const later = run(g, { command: true, receivedAt: clock.now() });
    await later.done;
    expect(later.acks).toEqual([undefined]);
  });

  /** A gate of two slots, both held by work that has acknowledged and waits to finish. */
  async function twoHeld() {
    const g = gate(manual(), { maxInFlight: 2 });
    const finish: (() => void)[] = [];
    const hold = async (ack: () => Promise<void>) => {
      await ack();
      await new Promise<void>((r) => finish.push(r));
    };
    const a = run(g, { work: hold });
    const b = run(g, { work: hold });
    // Both past their ack (the work after it starts a turn of the loop later), waiting to finish.
    for (let i = 0; i < 10 && finish.length < 2; i++)
      await new Promise<void>((r) => setImmediate(r));
    expect(finish).toHaveLength(2);
    return { g, finish, a, b };
  }

  it('starts the work after an ack once the requests of the same turn are acknowledged', async () => {
    const g = gate();
    let sentBeforeAsWork: number | null = null;
    const a = run(g, {
      work: async (ack) => {
        await ack();
        sentBeforeAsWork = b.acks.length;
      },
    });
    // B's processing before its ack takes longer than A's (microtasks of the same turn).
    const b = run(g, {
      work: async (ack) => {
        for (let i = 0; i < 20; i++) await Promise.resolve();
        await ack();
      },
    });
    await Promise.all([a.done, b.done]);
    // B's answer went out before A's work after its ack began.
    expect(sentBeforeAsWork).toBe(1);
  });

  it('counts what is in flight, after the ack too', async () => {
    const { g, finish, a, b } = await twoHeld();
    expect(g.active).toBe(2);
    for (const f of finish) f();
    await Promise.all([a.done, b.done]);
    expect(g.active).toBe(0);
  });

  it('refuses past the in-flight limit', async () => {
    const { g, finish, a, b } = await twoHeld();
    await expect(run(g).done).rejects.toMatchObject({ why: 'busy' });
    for (const f of finish) f();
    await Promise.all([a.done, b.done]);
  });

  it('idle() resolves when all in flight is done', async () => {
    const { g, finish, a, b } = await twoHeld();
    let idle = false;
    const idling = g.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    finish[0]?.();
    await a.done;
    expect(idle).toBe(false);
    finish[1]?.();
    await b.done;
    await idling;
    expect(g.active).toBe(0);
  });

  it('a request that fails before its ack leaves no one counted as waiting', async () => {
    const g = gate();
    await expect(
      run(g, {
        work: async () => {
          throw new Error('boom');
        },
      }).done,
    ).rejects.toThrow('boom');
    expect(g.expectedAckMs(0)).toBe(g.perAckMs);
  });

  it('after close(), every request is refused as stopping', async () => {
    const g = gate();
    g.close();
    await expect(run(g, { command: true }).done).rejects.toMatchObject({ why: 'stopping' });
    expect(g.refused.stopping).toBe(1);
  });
});

describe('AcceptQueue (how long a new connection may have waited before it was accepted)', () => {
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));

  it('a connection accepted in the turn after another counts from when that run of accepts began', async () => {
    const clock = manual(1000);
    const q = new AcceptQueue(clock.now);
    expect(q.accepted()).toBe(1000);
    for (let i = 1; i <= 3; i++) {
      await nextTurn();
      clock.advance(10);
      expect(q.accepted()).toBe(1000); // the burst's first arrival: they all waited since then
    }
  });

  it('while connections queue, a request on an older connection counts from when the queue began', async () => {
    const clock = manual(1000);
    const q = new AcceptQueue(clock.now);
    expect(q.queuingSince).toBeNull();
    q.accepted();
    await nextTurn();
    clock.advance(10);
    q.accepted();
    expect(q.queuingSince).toBe(1000);
    await nextTurn();
    await nextTurn();
    await nextTurn();
    expect(q.queuingSince).toBeNull(); // a turn accepted nothing: the queue is empty
  });

  it('a turn without an accept ends the run: the next connection counts from its own accept', async () => {
    const clock = manual(1000);
    const q = new AcceptQueue(clock.now);
    q.accepted();
    await nextTurn();
    await nextTurn();
    await nextTurn();
    clock.advance(40);
    expect(q.accepted()).toBe(1040);
  });
});

describe('the gate after a long stall', () => {
  it('one stall past the bound does not shut the gate: the next request with nothing ahead is taken', async () => {
    const clock = manual();
    const g = gate(clock);
    await run(g, {
      work: async (ack) => {
        clock.advance(20_000); // a 20 s stall before this request's ack
        await ack();
      },
    }).done;
    expect(g.perAckMs).toBeLessThanOrEqual(2000);
    const next = run(g, { command: true, receivedAt: clock.now() });
    await next.done;
    expect(next.acks).toEqual([undefined]);
    expect(g.refused.busy).toBe(0);
  });
});

describe('work after the ack', () => {
  it('past its slots, a request is acknowledged at once, its work after the ack waiting for a free slot', async () => {
    const g = new Gate({
      maxInFlight: 1000,
      boundMs: 2000,
      afterAckSlots: 1,
      now: manual().now,
      busyText: () => 'busy',
    });
    const order: string[] = [];
    let finishFirst!: () => void;
    let firstStarted!: () => void;
    const started = new Promise<void>((r) => {
      firstStarted = r;
    });
    const first = run(g, {
      work: async (ack) => {
        await ack();
        order.push('first after ack');
        firstStarted();
        await new Promise<void>((r) => {
          finishFirst = r;
        });
        order.push('first done');
      },
    });
    await started; // the first holds the one slot
    const second = run(g, {
      work: async (ack) => {
        const acking = ack();
        order.push('second acked');
        await acking;
        order.push('second after ack');
      },
    });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(second.acks).toEqual([undefined]); // Slack has its answer already
    expect(order).toEqual(['first after ack', 'second acked']); // its work waits for the slot
    finishFirst();
    await first.done;
    await second.done;
    expect(order).toEqual(['first after ack', 'second acked', 'first done', 'second after ack']);
  });
});
