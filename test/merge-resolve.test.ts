import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTrivially } from '../core/merge/conflict-hunks.js';
import { g, lines } from './helpers/merge-repo.js';
import { mergeTaskRepo, type MergeTaskRepo } from './helpers/merge-task.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { startChatServer } from './servers/chat-server.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

const RESOLVED = lines(20, { 5: 'feature and main' });
/** feat and main both change line 5 of app.txt, and make different whitespace-only edits to ws.txt. */
const conflicting = () => mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }), 'ws.txt': 'x =  1;\n' }, { 'app.txt': lines(20, { 5: 'main' }), 'ws.txt': 'x  = 1;\n' });

async function expectBailedOut(m: MergeTaskRepo, before: ReturnType<MergeTaskRepo['state']>, result: { code: number; stdout: string }, why: RegExp) {
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(why);
  expect(result.stdout).toContain('the merge was aborted and the worktree is as before');
  expect(m.state()).toEqual(before);
  expect(m.status()).toBe('stuck');
  const shown = JSON.parse((await m.cli(['task', 'show', 'feat', '--json'])).stdout) as { statusReason: string };
  expect(shown.statusReason).toMatch(why);
  expect(shown.statusReason).toContain('app.txt');
}

describe('trivial hunks', () => {
  it('resolves identical, one-side and whitespace-only hunks and leaves the rest marked', () => {
    const hunk = (o: string, b: string, t: string) => `<<<<<<< ours\n${o}||||||| base\n${b}=======\n${t}>>>>>>> theirs\n`;
    const text = `a\n${hunk('same\n', 'old\n', 'same\n')}b\n${hunk('old\n', 'old\n', 'theirs\n')}c\n${hunk('f(x,  y)\n', 'f(x)\n', 'f(x, y)\n')}d\n${hunk('one\n', 'zero\n', 'two\n')}e\n${hunk('g( a )\n', 'g(a)\n', 'h(a)\n')}`;
    const r = resolveTrivially(text)!;
    expect(r.resolved.map((x) => [x.reason, x.kept])).toEqual([
      ['identical', 'ours'],
      ['one-side', 'theirs'],
      ['whitespace', 'ours'],
      ['whitespace', 'theirs'],
    ]);
    expect(r.remaining).toBe(1);
    expect(r.text).toBe(`a\nsame\nb\ntheirs\nc\nf(x,  y)\nd\n${hunk('one\n', 'zero\n', 'two\n')}e\nh(a)\n`);
  });

  it('resolves a real whitespace-only conflict without AI, reports it and commits the merge', async () => {
    const m = await mergeTaskRepo(sb, { 'ws.txt': 'x =  1;\n' }, { 'ws.txt': 'x  = 1;\n' });
    m.script([[{ finish: 'crash' }]]); // the resolver must not be needed
    const r = await m.cli(['merge', 'resolve', 'feat']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toMatch(/ws\.txt: line \d+ whitespace \(kept ours\) — file resolved/);
    expect(m.invocations()).toHaveLength(0);
    expect(m.state().mergeHead).toBe(false);
    expect(g(sb, m.worktree, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    expect(g(sb, m.worktree, 'log', '-1', '--format=%B')).toContain('ws.txt: 1 hunk(s) resolved trivially (whitespace)');
    expect(m.status()).toBe('merged');
  });

  it('--no-ai resolves the trivial part and hands the rest over, explained; complete then refuses', async () => {
    const m = await conflicting();
    const r = await m.cli(['merge', 'resolve', 'feat', '--no-ai']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 file(s) need you in');
    expect(r.stdout).toMatch(/^ {2}app\.txt$/m);
    expect(m.state().mergeHead).toBe(true);
    expect(readFileSync(join(m.worktree, 'ws.txt'), 'utf8')).toBe('x =  1;\n');
    expect(readFileSync(join(m.worktree, 'app.txt'), 'utf8')).toMatch(/^<<<<<<< HEAD\nfeature\n\|{7} \S+\nline 5\n=======\nmain\n>>>>>>> main$/m);
    const complete = await m.cli(['task', 'complete', 'feat']);
    expect(complete.code).toBe(2);
    expect(complete.stderr).toContain('A merge is in progress');
    expect(m.state().mergeHead).toBe(true);
  });
});

describe('the resolver agent (MERGE-1)', () => {
  it('a correct resolution is checked and committed', async () => {
    const m = await conflicting();
    m.config('[merge]\nverify = ["grep -q \'feature and main\' app.txt"]');
    m.script([[{ write: 'app.txt', content: RESOLVED }, { finish: 'success' }]]);
    const r = await m.cli(['merge', 'resolve', 'feat']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain('app.txt: resolver fake done');
    expect(r.stderr).toContain("verify: grep -q 'feature and main' app.txt → exit 0");
    expect(readFileSync(join(m.worktree, 'app.txt'), 'utf8')).toBe(RESOLVED);
    expect(m.state()).toMatchObject({ mergeHead: false, status: '' });
    expect(g(sb, m.worktree, 'merge-base', '--is-ancestor', 'main', 'HEAD')).toBe('');
    expect(m.status()).toBe('merged');
    const prompt = m.invocations()[0]!.prompt;
    expect(prompt).toContain('Goal of our side (Feature): Make the feature');
    expect(prompt).toContain('Our version (codex/feat)');
    expect(prompt).toContain('Edit the file in place');
  });

  it('a resolution that leaves a marker is aborted', async () => {
    const m = await conflicting();
    const before = m.state();
    m.script([[{ write: 'app.txt', content: `${lines(4)}<<<<<<< HEAD\nfeature\n=======\nmain\n>>>>>>> main\n` }, { finish: 'success' }]]);
    await expectBailedOut(m, before, await m.cli(['merge', 'resolve', 'feat']), /conflict markers left in app\.txt/);
  });

  it('a resolution that breaks the verify commands is aborted', async () => {
    const m = await conflicting();
    m.config('[merge]\nverify = ["! grep -q BROKEN app.txt"]');
    const before = m.state();
    m.script([[{ write: 'app.txt', content: lines(20, { 5: 'BROKEN' }) }, { finish: 'success' }]]);
    await expectBailedOut(m, before, await m.cli(['merge', 'resolve', 'feat']), /verify command "! grep -q BROKEN app\.txt" failed \(exit 1\)/);
  });

  it('a resolver that times out is stopped and the merge aborted', async () => {
    const m = await conflicting();
    m.config('timeout = "1s"'); // appended to [agents.fake]
    const before = m.state();
    m.script([[{ write: 'app.txt', content: RESOLVED }, { finish: 'hang' }]]);
    await expectBailedOut(m, before, await m.cli(['merge', 'resolve', 'feat']), /timed out after 1 s/);
  });

  it('an openai-kind resolver: a good reply is committed, a reply with markers is not', async () => {
    const server = await startChatServer([{ content: JSON.stringify({ path: 'app.txt', content: RESOLVED }) }]);
    try {
      const m = await conflicting();
      m.config(`[agents.ai]\nkind = "openai"\nbase_url = "${server.baseUrl}"\nmodel = "resolver-model"`);
      const r = await m.cli(['merge', 'resolve', 'feat', '-c', 'roles.resolver=ai']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(readFileSync(join(m.worktree, 'app.txt'), 'utf8')).toBe(RESOLVED);
      expect(server.requests[0]!.body.messages[1]!.content).toContain('Reply with the complete resolved content');
      expect(server.requests[0]!.body.messages[1]!.content).toContain('Base version (common ancestor):\n```\nline 1');
    } finally {
      await server.close();
    }
    const bad = await startChatServer([{ content: JSON.stringify({ path: 'app.txt', content: '<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> main\n' }) }]);
    try {
      sb.cleanup();
      sb = makeSandbox();
      const m = await conflicting();
      m.config(`[agents.ai]\nkind = "openai"\nbase_url = "${bad.baseUrl}"\nmodel = "resolver-model"`);
      const before = m.state();
      await expectBailedOut(m, before, await m.cli(['merge', 'resolve', 'feat', '-c', 'roles.resolver=ai']), /conflict markers left in app\.txt/);
    } finally {
      await bad.close();
    }
  });
});

describe('a resolve killed halfway', () => {
  it('leaves MERGE_HEAD, which the next command notices and aborts; the worktree is as before', async () => {
    const m = await conflicting();
    const before = m.state();
    const pidFile = join(sb.dir, 'agent.pid');
    m.script([[{ exec: `echo $PPID > ${pidFile}` }, { finish: 'hang' }]]);
    const child = spawn(process.execPath, [BIN, 'merge', 'resolve', 'feat'], { cwd: m.repo, env: { ...sb.env, ...m.env }, stdio: 'ignore' });
    const closed = new Promise((r) => child.on('close', r));
    const deadline = Date.now() + 15_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error('the resolver never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await closed;
    // The orphaned agent dies with the machine in a real crash; here its group is stopped by hand.
    process.kill(-Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    expect(m.state().mergeHead).toBe(true);

    const complete = await m.cli(['task', 'complete', 'feat']);
    expect(complete.code).toBe(1);
    expect(complete.stderr).toMatch(/conflicts with main in app\.txt/);
    expect(m.state()).toEqual(before);

    m.script([[{ write: 'app.txt', content: RESOLVED }, { finish: 'success' }]]);
    const again = await m.cli(['merge', 'resolve', 'feat']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
  });
});
