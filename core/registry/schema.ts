import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';
import { PRIORITIES, TASK_STATUSES } from '../task.js';
import { SLUG_PATTERN } from '../names.js';

/**
 * The full schema of tasks.json, checked on every write and whenever the quick read-path check
 * finds something wrong. Loaded lazily: zod costs ~40 ms to import, about as long as Node itself
 * takes to start, and `task list` must not pay it.
 */
const slug = z.string().regex(SLUG_PATTERN, 'a slug matching [a-z0-9][a-z0-9-]{0,62}');
const duration = z.string().regex(DURATION_PATTERN, 'a duration such as "90s" or "8m"');
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date-time');

export const taskSchema = z.strictObject({
  slug,
  repo: z.string().min(1).refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s), 'an absolute path'),
  title: z.string().min(1),
  goal: z.string().nullable(),
  goalFile: z.string().nullable(),
  deps: z.array(slug),
  priority: z.enum(PRIORITIES),
  labels: z.array(z.string().min(1)),
  owner: z.string().nullable(),
  files: z.array(z.string().min(1)),
  agent: z.string().nullable(),
  base: z.string().min(1),
  branch: z.string().min(1),
  worktree: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  statusReason: z.string().nullable(),
  retries: z.number().int().min(0).max(20).nullable(),
  timeouts: z.strictObject({ execution: duration.optional(), verification: duration.optional() }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const registrySchema = z
  .strictObject({
    version: z.number().int(),
    tasks: z.array(taskSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.tasks.forEach((task, i) => {
      const id = `${task.repo}\u0000${task.slug}`;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'slug'], message: `duplicate slug "${task.slug}" in ${task.repo}` });
      seen.add(id);
    });
  });
