/**
 * Every key of the dashboard as data (STYLE.md rule 7): the dispatcher, the footer and the help
 * overlay all read this one table. A feature that does not exist yet has no row — the manager's
 * `L` (launch the next wave), the validator's `v`, merge's `m`/`r`/`c` and `N` join here as they land.
 */
import type { Key } from 'ink';
import type { TaskView } from '../core/dashboard/task-view.js';
import type { TaskStatus } from '../core/task.js';

export type CommandId =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom'
  | 'detail' | 'focus' | 'group'
  | 'shell' | 'editor' | 'diff' | 'launch' | 'stop' | 'answer'
  | 'new' | 'filter' | 'help' | 'quit';

export interface KeyBinding {
  command: CommandId;
  /** Key names as {@link keyName} reports them. */
  keys: readonly string[];
  /** How help shows the keys. */
  label: string;
  /** A word for the footer; bindings without one are only in help. */
  footer?: string;
  description: string;
  /** Whether it acts on the selected task now (absent: always). */
  when?: (task: TaskView | undefined) => boolean;
  /** Why it does not act now, for the status line. */
  refusal?: (task: TaskView | undefined) => string;
}

const LAUNCHABLE: ReadonlySet<TaskStatus> = new Set(['ready', 'failed', 'cancelled']);
const STOPPABLE: ReadonlySet<TaskStatus> = new Set(['todo', 'ready', 'running', 'review', 'stuck']);

const hasWorktree = (t: TaskView | undefined) => Boolean(t?.task.worktree && t.git?.worktreeExists !== false);
const noTask = 'no task selected';
const state = (t: TaskView | undefined) => (t ? `${t.task.slug} is ${t.task.status}` : noTask);

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
  { command: 'shell', keys: ['o'], label: 'o', footer: 'shell', description: "open a shell in the task's worktree (exit it to come back)", when: hasWorktree, refusal: (t) => (t ? `${t.task.slug} has no worktree yet` : noTask) },
  { command: 'editor', keys: ['e'], label: 'e', footer: 'edit', description: "open $EDITOR in the task's worktree", when: hasWorktree, refusal: (t) => (t ? `${t.task.slug} has no worktree yet` : noTask) },
  { command: 'diff', keys: ['d'], label: 'd', footer: 'diff', description: "the task branch's diff against its base, in $PAGER", when: (t) => Boolean(t && (t.git?.source ?? 'none') !== 'none'), refusal: (t) => (t ? `${t.task.slug} has no branch yet` : noTask) },
  { command: 'launch', keys: ['l'], label: 'l', footer: 'launch', description: 'launch the task (task run); it keeps running when the dashboard quits', when: (t) => Boolean(t && LAUNCHABLE.has(t.task.status)), refusal: (t) => (t?.task.status === 'todo' ? `${t.task.slug} waits for ${t.task.deps.join(', ')}` : `${state(t)}: only ready, failed or cancelled tasks launch`) },
  { command: 'stop', keys: ['s'], label: 's', footer: 'stop', description: 'stop the task: its agent is stopped and the task cancelled (task stop)', when: (t) => Boolean(t && STOPPABLE.has(t.task.status)), refusal: (t) => `${state(t)}: there is nothing to stop` },
  { command: 'answer', keys: ['a'], label: 'a', footer: 'answer', description: "answer a stuck task's question; its agent resumes (task answer)", when: (t) => t?.task.status === 'stuck', refusal: (t) => `${state(t)}: only a stuck task has a question` },
  { command: 'new', keys: ['n'], label: 'n', footer: 'new', description: 'add a task: type its title (task add)' },
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

/** The footer's entries for the selected task: only the keys that act now. */
export function footerBindings(task: TaskView | undefined): KeyBinding[] {
  return KEYBINDINGS.filter((b) => b.footer && (!b.when || b.when(task)));
}
