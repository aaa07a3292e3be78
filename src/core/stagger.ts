// Staggered sending (SPEC O6, D3): a large send goes out in batches of `batchSize` every
// `intervalSeconds`, so a studio's 5,000-family newsletter does not land all in one minute.

/** When the `index`-th message to be sent (skipped ones not counted) becomes due. */
export function staggeredDueAt(
  start: Date,
  index: number,
  stagger: { batchSize: number; intervalSeconds: number },
): Date {
  return new Date(
    start.getTime() + Math.floor(index / Math.max(1, stagger.batchSize)) * stagger.intervalSeconds * 1000,
  );
}
