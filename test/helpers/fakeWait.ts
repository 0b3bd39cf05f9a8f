import type { FakeSlack } from '../../src/sandbox/fakeSlack.js';

/**
 * Resolves at the fake Slack's next stored message, or after `ms` (for what the database alone
 * shows): a test polling for a state waits on events, never on a fixed sleep.
 */
export function nextMessageOr(fake: FakeSlack, ms: number): Promise<void> {
  return new Promise<void>((r) => {
    const wake = () => {
      clearTimeout(t);
      fake.off('message', wake);
      r();
    };
    const t = setTimeout(wake, ms);
    fake.on('message', wake);
  });
}
