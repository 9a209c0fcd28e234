/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Used where many git processes would otherwise start at once (GIT.md: on 2 cores, two worktrees
 * at a time is as fast as it gets).
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
