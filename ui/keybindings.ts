/**
 * Every key of the dashboard as data (STYLE.md rule 7): the dispatcher (App), the footer and the
 * help overlay all read this one table. A binding with `when` acts only when its predicate holds —
 * the footer leaves it out otherwise, and pressing it puts its `refusal` in the status line. The
 * predicates mirror what the CLI command accepts (core/task-state.ts and the core functions' own
 * checks), so the dashboard never offers what the engine would refuse.
 *
 * Keys on the selected task: o e d (shell, editor, diff), l (task run), s (task stop), a (task
 * answer), v (task validate), m (merge check), r (merge resolve), c (task complete). Keys on the
 * repo: L (manager launch), n and N (task add; N with a stub file opened in $EDITOR) — these need
 * the dashboard to show one repo, not --all-repos.
 */
import type { Key } from 'ink';
import type { TaskView } from '../core/dashboard/task-view.js';
import type { TaskStatus } from '../core/task.js';

export type CommandId =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom'
  | 'detail' | 'focus' | 'group'
  | 'shell' | 'editor' | 'diff' | 'launch' | 'launchWave' | 'stop' | 'answer'
  | 'validate' | 'mergeCheck' | 'resolve' | 'complete'
  | 'new' | 'newWithStub' | 'filter' | 'help' | 'quit';

/** What a predicate may look at besides the selected task. */
export interface KeyContext {
  /** The dashboard shows one repo (false with --all-repos). */
  repoScoped: boolean;
  /** Every task the dashboard knows of. */
  tasks: readonly TaskView[];
}

export interface KeyBinding {
  command: CommandId;
  /** Key names as {@link keyName} reports them. */
  keys: readonly string[];
  /** How help shows the keys. */
  label: string;
  /** A word for the footer; bindings without one are only in help. */
  footer?: string;
  /** Whether it acts on the selected task: the footer keeps these first when it is short of room. */
  onTask?: boolean;
  description: string;
  /** Whether it acts now (absent: always). */
  when?: (task: TaskView | undefined, context: KeyContext) => boolean;
  /** Why it does not act now, for the status line. */
  refusal?: (task: TaskView | undefined, context: KeyContext) => string;
}

/** The states each command accepts, as the core functions check them. */
const LAUNCHABLE: ReadonlySet<TaskStatus> = new Set(['ready', 'failed', 'cancelled']);
const STOPPABLE: ReadonlySet<TaskStatus> = new Set(['todo', 'ready', 'running', 'review', 'stuck']);
/** core/validate/validate-task.ts: done by its agent, or sent back. */
const VALIDATABLE: ReadonlySet<TaskStatus> = new Set(['review', 'stuck']);
/** core/merge/resolve.ts */
const RESOLVABLE: ReadonlySet<TaskStatus> = new Set(['review', 'stuck', 'merged']);
/** core/merge/complete.ts */
const COMPLETABLE: ReadonlySet<TaskStatus> = new Set(['review', 'merged']);

const hasWorktree = (t: TaskView | undefined) => Boolean(t?.task.worktree && t.git?.worktreeExists !== false);
const hasBranch = (t: TaskView | undefined) => Boolean(t && (t.git?.source ?? 'none') !== 'none');
const noTask = 'no task selected';
const state = (t: TaskView | undefined) => (t ? `${t.task.slug} is ${t.task.status}` : noTask);
const noWorktree = (t: TaskView | undefined) => (t ? `${t.task.slug} has no worktree yet` : noTask);
const needsRepo = (what: string) => `${what} needs one repo: start the dashboard inside it (not with --all-repos)`;

export const KEYBINDINGS: readonly KeyBinding[] = [
  { command: 'up', keys: ['up', 'k'], label: '↑ k', description: 'select the task above' },
  { command: 'down', keys: ['down', 'j'], label: '↓ j', description: 'select the task below' },
  { command: 'pageUp', keys: ['pageup'], label: 'PgUp', description: 'one page up' },
  { command: 'pageDown', keys: ['pagedown'], label: 'PgDn', description: 'one page down' },
  { command: 'top', keys: ['home'], label: 'Home', description: 'the first task' },
  { command: 'bottom', keys: ['end', 'G'], label: 'End G', description: 'the last task' },
  { command: 'detail', keys: ['enter'], label: 'Enter', footer: 'details', description: 'show or hide the detail pane' },
  { command: 'focus', keys: ['tab'], label: 'Tab', description: 'move the focus between the list and the detail pane (↑/↓ then scroll it)' },
  { command: 'group', keys: ['g'], label: 'g', footer: 'group', description: 'group the list by state, wave, repo, or not at all' },
  { command: 'shell', keys: ['o'], label: 'o', footer: 'shell', onTask: true, description: "open a shell in the task's worktree (exit it to come back)", when: hasWorktree, refusal: noWorktree },
  { command: 'editor', keys: ['e'], label: 'e', footer: 'edit', onTask: true, description: "open $EDITOR in the task's worktree", when: hasWorktree, refusal: noWorktree },
  { command: 'diff', keys: ['d'], label: 'd', footer: 'diff', onTask: true, description: "the task branch's diff against its base, in $PAGER", when: hasBranch, refusal: (t) => (t ? `${t.task.slug} has no branch yet` : noTask) },
  {
    command: 'launch', keys: ['l'], label: 'l', footer: 'launch', onTask: true,
    description: 'launch the task (task run); it keeps running when the dashboard quits',
    when: (t) => Boolean(t && LAUNCHABLE.has(t.task.status)),
    refusal: (t) => (t?.task.status === 'todo' ? `${t.task.slug} waits for ${t.task.deps.join(', ')}` : `${state(t)}: only ready, failed or cancelled tasks launch`),
  },
  {
    command: 'launchWave', keys: ['L'], label: 'L', footer: 'next-wave',
    description: 'launch the next wave: the ready tasks, under the supervisor (manager launch)',
    when: (_t, c) => c.repoScoped && c.tasks.some((v) => v.task.status === 'ready'),
    refusal: (_t, c) => (c.repoScoped ? 'no task is ready to launch: the next wave waits for its dependencies' : needsRepo('launching a wave')),
  },
  { command: 'stop', keys: ['s'], label: 's', footer: 'stop', onTask: true, description: 'stop the task: its agent is stopped and the task cancelled (task stop)', when: (t) => Boolean(t && STOPPABLE.has(t.task.status)), refusal: (t) => `${state(t)}: there is nothing to stop` },
  { command: 'answer', keys: ['a'], label: 'a', footer: 'answer', onTask: true, description: "answer a stuck task's question; its agent resumes (task answer)", when: (t) => t?.task.status === 'stuck', refusal: (t) => `${state(t)}: only a stuck task has a question` },
  {
    command: 'validate', keys: ['v'], label: 'v', footer: 'validate', onTask: true,
    description: 'checks, policies and the AI review; stuck on fail (task validate)',
    when: (t) => Boolean(t && VALIDATABLE.has(t.task.status) && hasWorktree(t)),
    refusal: (t) => (t && VALIDATABLE.has(t.task.status) ? `${t.task.slug} has no worktree to validate` : `${state(t)}: only a task in review or stuck can be validated`),
  },
  {
    command: 'mergeCheck', keys: ['m'], label: 'm', footer: 'merge-check', onTask: true,
    description: 'dry-run the merge into the base; names conflicting files (merge check)',
    when: (t) => Boolean(t && t.task.status !== 'done' && hasBranch(t)),
    refusal: (t) => (t?.task.status === 'done' ? `${t.task.slug} is done: it is merged already` : t ? `${t.task.slug} has no branch yet` : noTask),
  },
  {
    command: 'resolve', keys: ['r'], label: 'r', footer: 'resolve', onTask: true,
    description: 'merge the base in, resolving the conflicts (merge resolve)',
    when: (t) => Boolean(t && RESOLVABLE.has(t.task.status) && hasWorktree(t)),
    refusal: (t) => (t && RESOLVABLE.has(t.task.status) ? `${t.task.slug} has no worktree to resolve in` : `${state(t)}: only a task in review, stuck or merged can be resolved`),
  },
  {
    command: 'complete', keys: ['c'], label: 'c', footer: 'complete', onTask: true,
    description: 'merge into the base, remove the worktree, mark done (task complete)',
    when: (t) => Boolean(t && COMPLETABLE.has(t.task.status)),
    refusal: (t) => (t?.task.status === 'stuck' ? `${t.task.slug} is stuck: validate (v), resolve (r) or answer (a) it first` : `${state(t)}: only a task in review (or merged by resolve) can be completed`),
  },
  { command: 'new', keys: ['n'], label: 'n', footer: 'new', description: 'add a task: type its title (task add)', when: (_t, c) => c.repoScoped, refusal: () => needsRepo('a new task') },
  { command: 'newWithStub', keys: ['N'], label: 'N', footer: 'new+stub', description: 'add a task, its goal in a stub file opened in $EDITOR (task add)', when: (_t, c) => c.repoScoped, refusal: () => needsRepo('a new task') },
  { command: 'filter', keys: ['/'], label: '/', footer: 'filter', description: 'show only tasks whose slug, title, state, agent or labels contain the text' },
  { command: 'help', keys: ['?'], label: '?', footer: 'help', description: 'show or hide this help' },
  { command: 'quit', keys: ['q', 'ctrl+c'], label: 'q', footer: 'quit', description: 'quit the dashboard (agents keep running)' },
];

/** The name of a key press as the table spells it: `up`, `pagedown`, `enter`, `tab`, `esc`, or the character. */
export function keyName(input: string, key: Key): string {
  if (key.ctrl && input === 'c') return 'ctrl+c';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.tab) return 'tab';
  if (key.escape) return 'esc';
  if (key.backspace || key.delete) return 'backspace';
  return input;
}

/** The binding for a key name, if any. */
export function bindingFor(name: string): KeyBinding | undefined {
  return KEYBINDINGS.find((b) => b.keys.includes(name));
}

/** Whether a binding acts now. */
export function bindingActs(binding: KeyBinding, task: TaskView | undefined, context: KeyContext): boolean {
  return !binding.when || binding.when(task, context);
}

/** The footer's entries for the selected task: only the keys that act now. */
export function footerBindings(task: TaskView | undefined, context: KeyContext): KeyBinding[] {
  return KEYBINDINGS.filter((b) => b.footer && bindingActs(b, task, context));
}
