import type { Task } from '../task.js';

/**
 * A dependency cycle among `tasks` (one repo's), as the slugs along it with the first repeated at
 * the end (`a → b → c → a`), or undefined when the graph is acyclic. Iterative DFS, so deep chains
 * cannot overflow the stack.
 */
export function findCycle(tasks: readonly Pick<Task, 'slug' | 'deps'>[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.slug, t.deps]));
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of [...deps.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { slug: string; next: number }[] = [{ slug: start, next: 0 }];
    state.set(start, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const children = deps.get(frame.slug) ?? [];
      if (frame.next >= children.length) {
        state.set(frame.slug, 'done');
        stack.pop();
        continue;
      }
      const child = children[frame.next++]!;
      if (!deps.has(child)) continue;
      const seen = state.get(child);
      if (seen === 'visiting') {
        const from = stack.findIndex((f) => f.slug === child);
        return [...stack.slice(from).map((f) => f.slug), child];
      }
      if (seen === undefined) {
        state.set(child, 'visiting');
        stack.push({ slug: child, next: 0 });
      }
    }
  }
  return undefined;
}

/** `a → b → c → a` */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/** Tasks of the same repo that list `slug` among their dependencies. */
export function dependentsOf(tasks: readonly Task[], repo: string, slug: string): Task[] {
  return tasks.filter((t) => t.repo === repo && t.deps.includes(slug));
}
