import { CodexAgentError } from '../../core/errors.js';
import { statusOfTasks, type TaskGitStatus } from '../../core/git/worktree-status.js';
import { Registry } from '../../core/registry/registry.js';
import { repoNameOf, type Task } from '../../core/task.js';
import { reconcileWorktrees } from '../../core/worktree/reconcile.js';
import type { Context } from '../context.js';
import { printJson, renderTable, type Column, type Output } from '../output.js';
import { STATUS_LOOK } from '../task-style.js';
import { readLatestVerdicts, verdictWord } from '../verdict-view.js';
import { formatAge, formatBytes, printNotices } from '../worktree-report.js';

interface StatusOptions {
  allRepos?: boolean;
  diskUsage?: boolean;
  /** The live dashboard instead of the table (issue 8). */
  tui?: boolean;
}

interface Row {
  task: Task;
  git: TaskGitStatus;
  verdict: { verdict: 'pass' | 'fail'; review: string; summary: string } | undefined;
}

function aheadBehind(git: TaskGitStatus): string {
  if (git.source === 'none' || git.ahead === null || git.behind === null) return '-';
  return `↑${git.ahead} ↓${git.behind}`;
}

function changes(git: TaskGitStatus): string {
  if (git.source === 'none') return '-';
  if (git.source === 'branch') return 'no worktree';
  const parts: string[] = [];
  if (git.conflicted) parts.push(`${git.conflicted} conflicted`);
  if (git.staged) parts.push(`${git.staged} staged`);
  if (git.unstaged) parts.push(`${git.unstaged} modified`);
  if (git.untracked) parts.push(`${git.untracked} untracked`);
  return parts.join(', ') || 'clean';
}

function lines(git: TaskGitStatus): string {
  if (git.insertions === null || git.deletions === null) return '-';
  return `+${git.insertions} -${git.deletions}`;
}

function lastCommit(git: TaskGitStatus): string {
  const c = git.lastCommit;
  return c ? `${c.hash.slice(0, 7)} ${c.subject} (${formatAge(c.ageSeconds)} ago)` : '-';
}

/** `codex-agent status [--all-repos] [--disk-usage]`: one row per task with the live git state of its worktree. */
export async function statusCommand(ctx: Context, output: Output, options: StatusOptions): Promise<number> {
  if (options.tui) return (await import('./status-tui.js')).statusTuiCommand(ctx, output, options);
  const registry = new Registry(ctx.paths.registry);
  const repo = options.allRepos ? undefined : await ctx.repo();
  if (!options.allRepos && !repo) {
    throw new CodexAgentError('not-a-repo', `Not inside a git repository: ${ctx.cwd}`, { hint: 'Run it inside a repo, or use --all-repos.' });
  }
  const notices = await reconcileWorktrees(registry, { repoRoot: repo?.root });
  printNotices(output, notices);
  const tasks = (await registry.read()).tasks.filter((t) => !repo || t.repo === repo.root);
  const statuses = await statusOfTasks(tasks, { diskUsage: options.diskUsage });
  const verdictsByRepo = new Map(await Promise.all([...new Set(tasks.map((t) => t.repo))].map(async (r) => [r, await readLatestVerdicts(ctx.paths.stateDb, r)] as const)));
  const rows: Row[] = tasks.map((task, i) => ({ task, git: statuses[i]!, verdict: verdictsByRepo.get(task.repo)?.get(task.slug) }));
  if (output.json) {
    printJson(output, {
      tasks: rows.map(({ task, git, verdict }) => ({ slug: task.slug, repo: task.repo, title: task.title, status: task.status, branch: task.branch, base: task.base, worktree: task.worktree, git, verdict: verdict ? { verdict: verdict.verdict, review: verdict.review, summary: verdict.summary } : null })),
      notices,
    });
    return 0;
  }
  if (rows.length === 0) {
    output.err(options.allRepos ? 'No tasks yet.' : 'No tasks in this repo yet. Add one: codex-agent task add "<title>"');
    return 0;
  }
  const multiRepo = Boolean(options.allRepos) || new Set(tasks.map((t) => t.repo)).size > 1;
  const columns: Column<Row>[] = [
    ...(multiRepo ? [{ header: 'REPO', value: (r: Row) => repoNameOf(r.task.repo) }] : []),
    { header: 'SLUG', value: (r) => r.task.slug, style: () => 'bold' },
    { header: 'STATE', value: (r) => (output.tty ? `${STATUS_LOOK[r.task.status].glyph} ${r.task.status}` : r.task.status), style: (r) => STATUS_LOOK[r.task.status].style },
    { header: 'BRANCH', value: (r) => (r.git.detached ? '(detached)' : (r.git.branch ?? r.task.branch)) },
    { header: 'AHEAD/BEHIND', value: (r) => aheadBehind(r.git) },
    { header: 'CHANGES', value: (r) => changes(r.git), style: (r) => (r.git.conflicted ? 'red' : r.git.staged + r.git.unstaged + r.git.untracked ? 'yellow' : undefined) },
    { header: '+/-', value: (r) => lines(r.git) },
    ...(options.diskUsage ? [{ header: 'DISK', value: (r: Row) => (r.git.diskBytes ? formatBytes(r.git.diskBytes) : '-'), align: 'right' as const }] : []),
    { header: 'VERDICT', value: (r) => verdictWord(r.verdict), style: (r) => (r.verdict ? (r.verdict.verdict === 'pass' ? 'green' : 'red') : undefined) },
    { header: 'LAST COMMIT', value: (r) => lastCommit(r.git), flexible: true },
  ];
  output.out(renderTable(output, rows, columns));
  return 0;
}
