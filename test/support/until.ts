// Waiting on a condition, for tests that run real processes and real clocks: the limit only ends a
// run that hangs (a bug), it never decides a pass.
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 300_000, everyMs = 20) {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}
