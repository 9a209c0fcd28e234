import type { TodoItem, TodoStatus } from './events.js';
import { asArray, asObject, asString, type JsonObject } from './line-parser.js';

/**
 * Claude Code's todo list, from either of its two tool families:
 * - `TodoWrite {todos: [{content, status, activeForm}]}` — the whole list on every call (the default
 *   before 2.1.14x, and with CLAUDE_CODE_ENABLE_TASKS=0);
 * - `TaskCreate {subject, description, activeForm?}` → result `{task: {id, subject}}` ("Task #1
 *   created successfully: …"); `TaskUpdate {taskId, status?, subject?, …}` → result `{success,
 *   taskId, updatedFields, statusChange?: {from, to}}`, status `deleted` removing the task;
 *   `TaskList {}` → result `{tasks: [{id, subject, status, …}]}`; `TaskGet {taskId}` → `{task}` —
 *   one task per call, so we keep a running list keyed by task id.
 * Tasks persist across sessions, so a resumed session may update a task we never saw created: it is
 * added as "Task #<id>" until a TaskList or TaskGet names it.
 */
export const TODO_TOOLS: ReadonlySet<string> = new Set(['TodoWrite', 'TaskCreate', 'TaskUpdate', 'TaskList', 'TaskGet']);

/** Claude's statuses, plus the early Task tools' `open` / `resolved`. */
function todoStatus(value: unknown): TodoStatus | 'deleted' {
  switch (value) {
    case 'in_progress':
    case 'completed':
    case 'deleted':
      return value;
    case 'resolved':
      return 'completed';
    default:
      return 'pending';
  }
}

function taskId(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The list as the agent keeps it; `apply` each successful todo tool call, in order. */
export class ClaudeTodoList {
  private tasks = new Map<string, TodoItem>();
  private lastEmitted: string | undefined;

  /**
   * The whole list after a successful call of a todo tool, or undefined when the list did not change.
   * `result` is the line's structured `tool_use_result`, `text` the tool_result's text.
   */
  apply(tool: string, input: JsonObject, result: JsonObject | undefined, text: string, toolUseId: string): TodoItem[] | undefined {
    let items: TodoItem[];
    if (tool === 'TodoWrite') {
      items = asArray(result?.newTodos ?? input.todos).flatMap((entry) => {
        const todo = asObject(entry);
        const content = asString(todo?.content);
        const status = todoStatus(todo?.status);
        return content !== undefined && status !== 'deleted' ? [{ text: content, status }] : [];
      });
    } else {
      this.applyTask(tool, input, result, text, toolUseId);
      items = [...this.tasks.values()].map((task) => ({ ...task }));
    }
    const key = JSON.stringify(items);
    if (key === this.lastEmitted) return undefined;
    this.lastEmitted = key;
    return items;
  }

  private applyTask(tool: string, input: JsonObject, result: JsonObject | undefined, text: string, toolUseId: string): void {
    switch (tool) {
      case 'TaskCreate': {
        const task = asObject(result?.task);
        const id = taskId(task?.id) ?? /Task #(\S+?) created/.exec(text)?.[1] ?? toolUseId;
        this.tasks.set(id, { text: asString(input.subject) ?? asString(task?.subject) ?? `Task #${id}`, status: 'pending' });
        return;
      }
      case 'TaskUpdate': {
        if (result?.success === false) return;
        const id = taskId(input.taskId) ?? taskId(result?.taskId);
        if (id === undefined) return;
        const change = asObject(result?.statusChange);
        const status = change?.to !== undefined ? todoStatus(change.to) : input.status !== undefined ? todoStatus(input.status) : undefined;
        if (status === 'deleted') {
          this.tasks.delete(id);
          return;
        }
        const task = this.tasks.get(id) ?? { text: `Task #${id}`, status: 'pending' };
        this.tasks.set(id, { text: asString(input.subject) ?? task.text, status: status ?? task.status });
        return;
      }
      case 'TaskList': {
        if (!Array.isArray(result?.tasks)) return;
        const tasks = new Map<string, TodoItem>();
        for (const entry of result.tasks) {
          const task = asObject(entry);
          const id = taskId(task?.id);
          const status = todoStatus(task?.status);
          if (id !== undefined && status !== 'deleted') tasks.set(id, { text: asString(task?.subject) ?? `Task #${id}`, status });
        }
        this.tasks = tasks;
        return;
      }
      case 'TaskGet': {
        const task = asObject(result?.task);
        const id = taskId(task?.id);
        if (id === undefined) return;
        const known = this.tasks.get(id);
        const status = task?.status === undefined ? (known?.status ?? 'pending') : todoStatus(task.status);
        if (status === 'deleted') this.tasks.delete(id);
        else this.tasks.set(id, { text: asString(task?.subject) ?? known?.text ?? `Task #${id}`, status });
        return;
      }
    }
  }
}
