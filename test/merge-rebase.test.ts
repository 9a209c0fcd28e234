import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { g, lines } from './helpers/merge-repo.js';
import { mergeTaskRepo, type MergeTaskRepo } from './helpers/merge-task.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { openPane, shq, TMUX_MISSING, type Pane } from './helpers/tmux.js';

/** `merge rebase` in a real terminal: the command starts the rebase and hands the user a shell. */
let sb: Sandbox;
let pane: Pane | undefined;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => {
  pane?.kill();
  pane = undefined;
  sb.cleanup();
});

const PROMPT = 'rebase-shell$ ';
const head = (m: MergeTaskRepo, ref = 'HEAD') => g(sb, m.worktree, 'rev-parse', ref).trim();
const contains = (m: MergeTaskRepo, ancestor: string, ref: string) => {
  try {
    g(sb, m.repo, 'merge-base', '--is-ancestor', ancestor, ref);
    return true;
  } catch {
    return false;
  }
};
const rebasing = (m: MergeTaskRepo) => ['rebase-merge', 'rebase-apply'].some((d) => existsSync(join(m.repo, '.git', 'worktrees', 'feat', d)));

/** Runs `codex-agent merge rebase feat` in a pane, with an interactive /bin/sh (or `shell`) as $SHELL. */
function runRebase(m: MergeTaskRepo, shell = '/bin/sh'): Pane {
  const script = [
    `cd ${shq(m.repo)}`,
    `export SHELL=${shq(shell)} PS1=${shq(PROMPT)} GIT_EDITOR=true`,
    // Caught (not ignored, so codex-agent gets the default): Ctrl-C must not end the pane's script.
    "trap 'echo INT-IN-PANE-SCRIPT' INT",
    `printf 'RUN\\n'`,
    `${shq(process.execPath)} ${shq(BIN)} merge rebase feat`,
    'echo "EXIT:$?"',
    'sleep 600',
    '',
  ].join('\n');
  pane = openPane(sb.dir, script, { columns: 120, rows: 40 }, { ...sb.env, ...m.env });
  return pane;
}

/** Runs one line in the handed shell and waits for its marker. */
async function inShell(p: Pane, line: string, marker: string): Promise<string> {
  p.type(`${line}; echo ${marker}-"$?"`);
  return p.waitFor((s) => new RegExp(`^${marker}-\\d+$`, 'm').test(s), `${marker} from: ${line}`, { where: 'history' });
}

const since = (text: string, mark: string) => text.slice(text.lastIndexOf(mark));

describe(`merge rebase in a real terminal (tmux)${TMUX_MISSING ? ` — ${TMUX_MISSING}` : ''}`, { timeout: 60_000 }, () => {
  it.skipIf(TMUX_MISSING)('a branch behind its base: rebased at once, the shell opens in the worktree, exit reports it', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 2: 'feature' }) }, { 'app.txt': lines(20, { 18: 'main' }) });
    const mainHead = g(sb, m.repo, 'rev-parse', 'main').trim();
    const p = runRebase(m);
    let s = await p.waitFor((x) => x.includes(PROMPT), 'the shell', { where: 'history' });
    expect(s).toContain('✓ Rebased codex/feat onto main without conflicts.');
    expect(s).toContain(`A shell opens in the task's worktree, ${m.worktree}`);

    s = await inShell(p, 'echo "AT:$(pwd)"; git status --short --branch', 'STATUS');
    expect(s).toContain(`AT:${m.worktree}\n`);
    expect(s).toContain('## codex/feat');
    expect(rebasing(m)).toBe(false);

    p.type('exit');
    s = await p.waitFor((x) => /EXIT:\d/.test(x), 'the command to end', { where: 'history' });
    const after = since(s, 'exit\n');
    expect(after).toMatch(/✓ codex\/feat is rebased onto main \(HEAD [0-9a-f]{10}\)\. Next: codex-agent merge check feat/);
    expect(after).toContain('EXIT:0');
    expect(g(sb, m.worktree, 'rev-parse', 'HEAD~1').trim()).toBe(mainHead);
    expect(readFileSync(join(m.worktree, 'app.txt'), 'utf8')).toBe(lines(20, { 2: 'feature', 18: 'main' }));
  });

  it.skipIf(TMUX_MISSING)('a conflict: the shell starts mid-rebase with the files named; resolved and continued, the branch is on its base', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'app.txt': lines(20, { 5: 'main' }) });
    const p = runRebase(m);
    let s = await p.waitFor((x) => x.includes(PROMPT), 'the shell', { where: 'history' });
    expect(s).toContain('! The rebase of codex/feat onto main stopped at conflicts in: app.txt.');
    expect(s).toContain('git add <file>, then git rebase --continue');
    expect(s).toContain('git rebase --abort');
    expect(s).toContain('exit when done');

    s = await inShell(p, 'echo "AT:$(pwd)"; git status --short', 'STATUS');
    expect(s).toContain(`AT:${m.worktree}\n`);
    expect(s).toMatch(/^UU app\.txt$/m);
    expect(rebasing(m)).toBe(true);

    writeFileSync(join(m.worktree, 'app.txt'), lines(20, { 5: 'feature and main' }));
    s = await inShell(p, 'git add app.txt && git rebase --continue', 'CONTINUE');
    expect(s).toMatch(/^CONTINUE-0$/m);
    p.type('exit');
    s = await p.waitFor((x) => /EXIT:\d/.test(x), 'the command to end', { where: 'history' });
    const after = since(s, 'CONTINUE-0');
    expect(after).toMatch(/✓ codex\/feat is rebased onto main \(HEAD [0-9a-f]{10}\)/);
    expect(after).toContain('EXIT:0');
    expect(rebasing(m)).toBe(false);
    expect(contains(m, 'main', 'codex/feat')).toBe(true);
    expect(g(sb, m.worktree, 'log', '-1', '--format=%s').trim()).toBe('feature work');
    expect(g(sb, m.worktree, 'status', '--porcelain')).toBe('');
  });

  it.skipIf(TMUX_MISSING)('a conflict left unfinished, then taken up again and aborted: the branch is exactly as before', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'app.txt': lines(20, { 5: 'main' }) });
    const before = head(m);
    let p = runRebase(m);
    await p.waitFor((x) => x.includes(PROMPT), 'the shell', { where: 'history' });
    p.type('exit');
    let s = await p.waitFor((x) => /EXIT:\d/.test(x), 'the command to end', { where: 'history' });
    expect(s).toContain('! The rebase in ' + m.worktree + ' is not finished (conflicts in: app.txt).');
    expect(s).toContain(`Go on in a shell there: codex-agent merge rebase feat   (or give up: git -C ${m.worktree} rebase --abort)`);
    expect(s).toContain('EXIT:1');
    expect(rebasing(m)).toBe(true);
    p.kill();

    p = runRebase(m);
    s = await p.waitFor((x) => x.includes(PROMPT), 'the shell again', { where: 'history' });
    expect(s).toContain(`! A rebase is already under way in ${m.worktree} (conflicts in: app.txt).`);
    s = await inShell(p, 'git rebase --abort', 'ABORT');
    expect(s).toMatch(/^ABORT-0$/m);
    p.type('exit');
    s = await p.waitFor((x) => /EXIT:\d/.test(x), 'the command to end', { where: 'history' });
    expect(since(s, 'ABORT-0')).toContain(`The rebase was given up: codex/feat is as it was (HEAD ${before.slice(0, 10)}) and does not contain main.`);
    expect(s).toContain('EXIT:1');
    expect(rebasing(m)).toBe(false);
    expect(head(m)).toBe(before);
    expect(g(sb, m.worktree, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('codex/feat');
    expect(contains(m, 'main', 'codex/feat')).toBe(false);
    expect(readFileSync(join(m.worktree, 'app.txt'), 'utf8')).toBe(lines(20, { 5: 'feature' }));
  });

  it.skipIf(TMUX_MISSING)('Ctrl-C in a shell without job control goes to the shell, not to codex-agent', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'app.txt': lines(20, { 5: 'main' }) });
    // `sh +m`: no job control, so the shell stays in codex-agent's process group and Ctrl-C reaches both.
    const shell = join(sb.dir, 'plain-sh');
    writeFileSync(shell, '#!/bin/sh\nexec /bin/sh +m -i\n');
    chmodSync(shell, 0o755);
    const p = runRebase(m, shell);
    await p.waitFor((x) => x.includes(PROMPT), 'the shell', { where: 'history' });
    const prompts = (x: string) => x.split(PROMPT).length - 1;
    const before = prompts(p.history());
    p.keys('C-c');
    // The terminal drops what was typed with the Ctrl-C: wait for the shell's fresh prompt first.
    await p.waitFor((x) => prompts(x) > before, 'a fresh prompt after Ctrl-C', { where: 'history' });
    const s = await inShell(p, 'git rebase --abort', 'ABORT');
    expect(s).toMatch(/^ABORT-0$/m);
    p.type('exit');
    const end = await p.waitFor((x) => /EXIT:\d/.test(x), 'the command to end', { where: 'history' });
    expect(end).toContain('The rebase was given up');
    expect(end).toContain('EXIT:1');
  });
});

describe('merge rebase without a terminal', () => {
  it('refuses to start a shell, prints the steps with --print, and says when there is no worktree', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, { 'app.txt': lines(20, { 5: 'main' }) });
    const refused = await m.cli(['merge', 'rebase', 'feat']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('merge rebase hands you a shell, which needs a terminal.');
    expect(refused.stderr).toContain('codex-agent merge rebase feat --print');
    expect(rebasing(m)).toBe(false);
    const printed = await m.cli(['merge', 'rebase', 'feat', '--print']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.split('\n').slice(0, 2)).toEqual([`cd ${m.worktree}`, 'git rebase main']);
    expect((await m.cli(['task', 'add', 'Other', '--slug', 'other', '--goal', 'x'])).code).toBe(0);
    const none = await m.cli(['merge', 'rebase', 'other']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('other has no worktree.');
  });
});
