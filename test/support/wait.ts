/**
 * Polls `cond` until it holds, or throws naming `what` after `ms`. Tests wait for conditions, never
 * for fixed times; the deadline only decides how long a broken test takes to fail, so it is generous
 * and a busy machine never fails a good test.
 */
export async function waitFor(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
