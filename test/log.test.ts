import { describe, expect, it } from 'vitest';
import { createLogger, logPort, logScope } from '../src/log.js';

/** A logger at `level` whose JSON lines are collected, parsed. */
function collected(level: 'debug' | 'info' | 'warn' | 'error') {
  const lines: Record<string, unknown>[] = [];
  const log = logPort(
    createLogger({
      level,
      destination: { write: (l: string) => void lines.push(JSON.parse(l)) },
    }),
  );
  return { log, lines };
}

describe('the Log port on pino', () => {
  it('writes each line at the level the caller names', () => {
    const { log, lines } = collected('debug');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e', { error: 'a field named error does not change the level' });
    expect(lines.map((l) => l.level)).toEqual([20, 30, 40, 50]);
  });

  it('at error, leaves out every lower level', () => {
    const { log, lines } = collected('error');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => l.msg)).toEqual(['e']);
  });

  it('serializes err whole: type, message, stack', () => {
    const { log, lines } = collected('info');
    log.error('failed', { err: new TypeError('bad input') });
    expect(lines[0]?.err).toMatchObject({ type: 'TypeError', message: 'bad input' });
    expect((lines[0]?.err as { stack?: string } | undefined)?.stack).toMatch(
      /^TypeError: bad input\n\s+at /,
    );
  });

  it('scrubs a Slack token out of an error’s text (message, stack)', () => {
    const { log, lines } = collected('info');
    log.error('failed', { err: new Error('refused xoxb-123-456-abcdef') });
    expect(JSON.stringify(lines[0])).not.toContain('xoxb-123');
    expect((lines[0]?.err as { message?: string } | undefined)?.message).toBe(
      'refused xoxb-[redacted]',
    );
  });

  it('adds a child’s bindings to each of its lines', () => {
    const { log, lines } = collected('info');
    log.child({ team: 'T1', case: 7 }).warn('late');
    expect(lines[0]).toMatchObject({ team: 'T1', case: 7, msg: 'late' });
  });

  it('adds the fields of the scope in progress, awaited work included', async () => {
    const { log, lines } = collected('info');
    await logScope({ team: 'T2' }, async () => {
      await Promise.resolve();
      logScope({ case: 3 }, () => log.info('inner'));
      log.info('outer');
    });
    log.info('after');
    expect(lines.map(({ msg, team, case: c }) => ({ msg, team, case: c }))).toEqual([
      { msg: 'inner', team: 'T2', case: 3 },
      { msg: 'outer', team: 'T2', case: undefined },
      { msg: 'after', team: undefined, case: undefined },
    ]);
  });
});
