/**
 * The sandbox clock moved forward from the page: a walk through the time in between, with the
 * bot's reminder tick and minute sweep at every stop, as they would have run meanwhile.
 */
import type { WorkingHours } from '../domain/workingTime.js';
import { HttpError, str } from './http.js';
import { type Advance, nextWalkStop, STEPS } from './time.js';
import type { SandboxContext, World } from './world.js';

export interface WalkOptions {
  /** The zones of the sandbox's people: each one's working hours get their ticks. */
  readonly zones: readonly string[];
  readonly workingHours: WorkingHours;
  /** Awaited between two stops, outside the sandbox's turn (see SandboxOptions.betweenStops). */
  readonly betweenStops?: (stops: number, now: Date) => Promise<void> | void;
}

export interface ClockMover {
  /** The page's "move the clock" call: POST /api/clock with `advance` (hour, day or week). */
  move(body: Record<string, unknown>): Promise<unknown>;
  /** Resolves once the walks asked for so far have ended. */
  settled(): Promise<unknown>;
}

export function clockMover(ctx: SandboxContext, o: WalkOptions): ClockMover {
  const wh = o.workingHours;
  const marks = [...new Set([0, ...[wh.start, wh.end].map((s) => Number(s.split(':')[1]) || 0)])];

  /**
   * One stop: the clock moved to `stop` and a reminder tick there (after a tick already running,
   * if any: the move waits for it, so every tick sees one time). Then the bot's minute sweep, as
   * it runs against Slack: cases, thread lines and first replies Slack lacks are posted, and a
   * parent whose step came due since it was drawn is drawn again (a week's walk would otherwise
   * show "To do" past the due time).
   */
  const stopAt = async (w: World, stop: number, until: number) => {
    const report = await w.bot.tick(() => {
      w.clock.advance(stop - w.clock.now().getTime());
      ctx.broadcast('clock', {
        now: new Date(stop).toISOString(),
        until: new Date(until).toISOString(),
      });
    });
    await w.bot.sweep();
    return report;
  };

  /**
   * Moves the clock forward by `ms`, walking through the time in between: it stops at every hour
   * (every working hour of every user) and runs the reminder tick there, so a week's nudges arrive
   * on the days and at the hours they would have. Each stop is one turn of `serial`: the page's
   * clicks and commands get in between stops, and a Reset ends the walk.
   */
  const walk = async (ms: number) => {
    let w: World | undefined;
    let until = 0;
    const total = { sent: 0, planned: 0, failed: 0, ticks: 0 };
    for (let more = true; more; ) {
      more = await ctx.serial(async () => {
        if (ctx.closed()) return false;
        const world = ctx.world();
        // The world and the destination are taken in the first turn (after a Reset under way).
        if (!w) [w, until] = [world, world.clock.now().getTime() + ms];
        if (world !== w) return false;
        const now = w.clock.now().getTime();
        if (now >= until) return false;
        const stop = Math.min(until, nextWalkStop(now, o.zones, marks));
        const report = await stopAt(w, stop, until);
        total.sent += report.sent;
        total.planned += report.planned;
        total.failed += report.failed;
        total.ticks++;
        ctx.persist(w);
        return stop < until;
      });
      if (more && w) await o.betweenStops?.(total.ticks, w.clock.now());
    }
    const now = ctx.world().clock.now().toISOString();
    ctx.broadcast('clock', { now });
    return { ok: true, now, ...total };
  };

  // One walk at a time: a second click waits for the first to arrive.
  let walking: Promise<unknown> = Promise.resolve();
  return {
    async move(body) {
      const advance = str(body, 'advance', 10) as Advance | undefined;
      if (!advance || !Object.hasOwn(STEPS, advance))
        throw new HttpError(400, 'advance: hour, day or week');
      const p = walking.then(
        () => walk(STEPS[advance]),
        () => walk(STEPS[advance]),
      );
      walking = p.catch(() => {});
      return p;
    },
    settled: () => walking,
  };
}
