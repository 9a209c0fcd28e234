import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../core/task.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { startChatServer, type ChatServer } from './servers/chat-server.js';

let sb: Sandbox;
let repo: string;
let server: ChatServer | undefined;
beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo('app');
  await sb.json(['task', 'add', 'Theme tokens'], { cwd: repo });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  sb.cleanup();
});

const answers = (...lines: string[]) => `${lines.join('\n')}\n`;
const tasks = async () => sb.json<Task[]>(['task', 'list'], { cwd: repo });

describe('task add -i with an openai-kind planner', () => {
  it('asks the planner\'s questions, shows its proposal, and writes the task and its stub after confirming', async () => {
    const proposal = { slug: 'dark-mode', title: 'Add dark mode', goal: 'A toggle in the header switches between light and dark themes.', acceptance: ['The toggle persists across reloads', 'Tests pass'], deps: ['theme-tokens', 'nonexistent'], files: ['src/theme/**'] };
    server = await startChatServer([
      { content: JSON.stringify({ questions: ['Should the choice persist across reloads?'], proposal: null }) },
      { content: JSON.stringify({ questions: [], proposal }) },
    ]);
    const config = `[roles]\nplanner = "local"\n\n[agents.local]\nkind = "openai"\nbase_url = "${server.baseUrl}"\nmodel = "scripted"\n`;
    await import('node:fs').then((fs) => fs.mkdirSync(join(repo, '.codex-agent'), { recursive: true }));
    writeFileSync(join(repo, '.codex-agent', 'config.toml'), config);
    const result = await sb.cli(['task', 'add', '-i'], { cwd: repo, input: answers('I want a dark mode for the whole app.', 'Yes, keep it in localStorage.', 'y') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Should the choice persist across reloads?');
    expect(result.stderr).toContain('unknown dependencies (nonexistent)');
    expect(result.stdout).toContain('Added dark-mode with its goal in .codex-agent/tasks/dark-mode.md');
    // The answer reached the planner in the second request.
    expect(JSON.stringify(server.requests[1]!.body.messages)).toContain('Yes, keep it in localStorage.');
    const added = (await tasks()).find((t) => t.slug === 'dark-mode')!;
    expect(added).toMatchObject({ title: 'Add dark mode', deps: ['theme-tokens'], files: ['src/theme/**'], goalFile: '.codex-agent/tasks/dark-mode.md', status: 'todo' });
    expect(readFileSync(join(repo, '.codex-agent', 'tasks', 'dark-mode.md'), 'utf8')).toBe(
      '# Add dark mode\n\nA toggle in the header switches between light and dark themes.\n\n## Acceptance criteria\n\n- The toggle persists across reloads\n- Tests pass\n',
    );
  });

  it('falls back to asking the questions itself when the planner is unreachable', async () => {
    server = await startChatServer([{ content: '{}' }]);
    const url = server.baseUrl;
    await server.close();
    server = undefined;
    await import('node:fs').then((fs) => fs.mkdirSync(join(repo, '.codex-agent'), { recursive: true }));
    writeFileSync(join(repo, '.codex-agent', 'config.toml'), `[roles]\nplanner = "local"\n\n[agents.local]\nkind = "openai"\nbase_url = "${url}"\nmodel = "m"\n`);
    const result = await sb.cli(['task', 'add', '-i'], { cwd: repo, input: answers('Fix the login bug.', '', '', '', '', '', 'y') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/planner could not help .*asking the questions myself/);
    expect((await tasks()).map((t) => t.slug)).toContain('fix-the-login-bug');
  });
});

describe('task add -i without AI', () => {
  it('asks for title, slug, acceptance criteria, dependencies and scope, with sensible defaults', async () => {
    const result = await sb.cli(['task', 'add', '-i', '--json'], {
      cwd: repo,
      input: answers('Make the header sticky. It should stay on top when scrolling.', '', 'sticky-header', 'Header stays visible', 'No layout shift', '', 'theme-tokens', 'src/header/**, src/{a,b}.css', 'y'),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/No openai-kind planner is configured/);
    const task = JSON.parse(result.stdout) as Task;
    expect(task).toMatchObject({ slug: 'sticky-header', title: 'Make the header sticky.', deps: ['theme-tokens'], files: ['src/header/**', 'src/{a,b}.css'] });
    expect(readFileSync(join(repo, task.goalFile!), 'utf8')).toContain('- No layout shift');
  });

  it('adds nothing when the user declines, or when the input ends early', async () => {
    const declined = await sb.cli(['task', 'add', '-i'], { cwd: repo, input: answers('Something.', '', '', '', '', '', 'n') });
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain('Nothing was added.');
    const ended = await sb.cli(['task', 'add', '-i'], { cwd: repo, input: answers('Something else.') });
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/input ended before the task was complete/);
    expect((await tasks()).map((t) => t.slug)).toEqual(['theme-tokens']);
  });

  it('refuses a missing title without -i, with the way out', async () => {
    const result = await sb.cli(['task', 'add'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs a title[\s\S]*task add -i/);
  });
});

describe('task add --editor', () => {
  it('opens the stub template in $EDITOR and adds what was written', async () => {
    const editor = join(sb.dir, 'scripted-editor.sh');
    // A scripted editor: fills in the front matter and the goal, as a person would.
    writeFileSync(editor, `#!/bin/sh\nsed -i -e 's/^title: $/title: Cache the API responses/' -e 's/^deps:$/deps: theme-tokens/' -e 's/^files:$/files: src\\/api\\/**/' -e 's/^priority: normal$/priority: high/' "$1"\nprintf 'Cache GET responses for 60 s.\\n' >> "$1"\n`, { mode: 0o755 });
    const result = await sb.cli(['task', 'add', '--editor'], { cwd: repo, env: { EDITOR: editor } });
    expect(result.code, result.stderr).toBe(0);
    const task = (await tasks()).find((t) => t.slug === 'cache-the-api-responses')!;
    expect(task).toMatchObject({ deps: ['theme-tokens'], files: ['src/api/**'], priority: 'high', goalFile: '.codex-agent/tasks/cache-the-api-responses.md' });
    const stub = readFileSync(join(repo, task.goalFile!), 'utf8');
    expect(stub).toContain('Cache GET responses for 60 s.');
    expect(stub).not.toContain('<!--');
  });

  it('adds nothing when the title is left empty, and reports an editor that fails', async () => {
    const empty = await sb.cli(['task', 'add', '--editor'], { cwd: repo, env: { EDITOR: 'true' } });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/title was left empty; nothing was added/);
    const failing = await sb.cli(['task', 'add', '--editor'], { cwd: repo, env: { EDITOR: 'false' } });
    expect(failing.code).toBe(2);
    expect(failing.stderr).toMatch(/editor \(false\) exited with 1/);
    expect((await tasks()).map((t) => t.slug)).toEqual(['theme-tokens']);
  });
});
