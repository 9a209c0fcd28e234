/**
 * The DEMO AGENT of `codex-agent demo` (issue 9): a small scripted program that behaves like a
 * coding agent speaking Codex's `exec --json` format. It is not an AI: it recognises the demo
 * tasks by their title and makes their edits (core/demo/project.ts), reviews by replying with a
 * JSON verdict, and resolves a conflict by keeping both sides' lines. Run as
 * `node dist/core/demo/agent.js exec --json -s S -C <dir> [-o file] -- <prompt>` or
 * `… exec -C <dir> resume … -- <thread> <prompt>`.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEMO_TASKS, demoTaskByTitle, type DemoEdit } from './project.js';

const argv = process.argv.slice(2);
const valueAfter = (flag: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const cwd = valueAfter('-C') ?? process.cwd();
const end = argv.indexOf('--');
const resuming = argv.slice(0, end < 0 ? argv.length : end).includes('resume');
const positional = end >= 0 ? argv.slice(end + 1) : argv.slice(-1);
const thread = resuming ? positional.shift()! : `demo-agent-${Date.now().toString(36)}-${process.pid}`;
const prompt = positional.join(' ');

const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
let itemNo = 0;
let lastMessage = '';
let todo: { text: string; completed: boolean }[] = [];

function say(text: string) {
  lastMessage = text;
  emit({ type: 'item.completed', item: { id: `item_${itemNo++}`, type: 'agent_message', text } });
}
function plan(steps: string[]) {
  todo = steps.map((text) => ({ text, completed: false }));
  emit({ type: 'item.started', item: { id: 'todo', type: 'todo_list', items: todo } });
}
async function step(done: number) {
  todo = todo.map((t, i) => ({ ...t, completed: i < done }));
  emit({ type: 'item.updated', item: { id: 'todo', type: 'todo_list', items: todo } });
  await pause(200);
}
function shell(command: string) {
  const id = `item_${itemNo++}`;
  emit({ type: 'item.started', item: { id, type: 'command_execution', command, aggregated_output: '', exit_code: null, status: 'in_progress' } });
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  emit({ type: 'item.completed', item: { id, type: 'command_execution', command, aggregated_output: output, exit_code: result.status, status: result.status === 0 ? 'completed' : 'failed' } });
  return result.status === 0;
}
function write(edit: DemoEdit) {
  const path = resolve(cwd, edit.path);
  const existed = existsSync(path);
  mkdirSync(dirname(path), { recursive: true });
  if (edit.append) appendFileSync(path, edit.content);
  else writeFileSync(path, edit.content);
  emit({ type: 'item.completed', item: { id: `item_${itemNo++}`, type: 'file_change', changes: [{ path, kind: existed ? 'update' : 'add' }], status: 'completed' } });
}

/** Keeps both sides of every conflict (ours, then theirs' lines that ours lacks); drops the base. */
function keepBothSides(text: string): string {
  const out: string[] = [];
  let side: 'none' | 'ours' | 'base' | 'theirs' = 'none';
  let ours: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('<<<<<<<')) {
      side = 'ours';
      ours = [];
    }
    else if (line.startsWith('|||||||') && side === 'ours') side = 'base';
    else if (line.startsWith('=======') && side !== 'none') side = 'theirs';
    else if (line.startsWith('>>>>>>>') && side === 'theirs') side = 'none';
    else if (side === 'ours') {
      ours.push(line);
      out.push(line);
    }
    else if (side === 'theirs') {
      if (!ours.includes(line)) out.push(line);
    } else if (side === 'none') out.push(line);
  }
  return out.join('\n');
}

async function work() {
  const title = /^# Task: (.+)$/m.exec(prompt)?.[1];
  if (prompt.startsWith('You review the work')) {
    await pause(300);
    const verdict = { pass: true, summary: `Demo agent review of "${title ?? 'the task'}": the change does what the goal asks.`, findings: [] };
    say(`I read the diff and the checks.\n\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\``);
    return;
  }
  const conflicted = /^You resolve a git merge conflict in `([^`]+)`/.exec(prompt)?.[1];
  if (conflicted) {
    plan([`Read the conflict in ${conflicted}`, 'Keep both sides', 'Check that no marker is left']);
    shell(`grep -n -e '^<<<<<<<' -e '^=======' -e '^>>>>>>>' -- '${conflicted}' || true`);
    await step(1);
    write({ path: conflicted, content: keepBothSides(readFileSync(resolve(cwd, conflicted), 'utf8')) });
    await step(2);
    await step(3);
    say(`Demo agent: resolved ${conflicted} by keeping the lines of both sides.`);
    return;
  }
  const slug = resuming ? DEMO_TASKS.find((t) => thread.includes(`-task-${t.slug}-`))?.slug : demoTaskByTitle(title ?? '')?.slug;
  const task = DEMO_TASKS.find((t) => t.slug === slug);
  if (!task) {
    say('Demo agent: this is not one of the demo tasks, so I changed nothing.\nCANNOT COMPLETE: the demo agent only knows the demo tasks');
    return;
  }
  if (resuming && task.fix) {
    plan(['Read the findings', 'Fix the code', 'Run the tests']);
    await step(1);
    for (const edit of task.fix) write(edit);
    await step(2);
    shell('node --test');
    await step(3);
    say(`Demo agent: fixed ${task.slug} — the tests pass now.`);
    return;
  }
  plan(['Read the code', ...task.edits.map((e) => `${e.append ? 'Extend' : 'Write'} ${e.path}`), 'Run the tests']);
  shell('ls -R lib test bin 2>/dev/null | head -20');
  await step(1);
  for (const [i, edit] of task.edits.entries()) {
    write(edit);
    await step(i + 2);
  }
  if (!task.fix) shell('node --test');
  await step(task.edits.length + 2);
  say(task.fix ? `Demo agent: wrote ${task.slug} (I did not run the tests this time).` : `Demo agent: ${task.title} is done and the tests pass.`);
}

const session = resuming ? thread : `${thread}-task-${demoTaskByTitle(/^# Task: (.+)$/m.exec(prompt)?.[1] ?? '')?.slug ?? 'none'}-`;
emit({ type: 'thread.started', thread_id: session });
emit({ type: 'turn.started' });
await work();
emit({ type: 'item.completed', item: { id: 'todo', type: 'todo_list', items: todo } });
emit({ type: 'turn.completed', usage: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 } });
const lastFile = valueAfter('-o');
if (lastFile) writeFileSync(lastFile, lastMessage);
