import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './sandbox.js';

/**
 * What a parallel `git worktree add` leaves in `repo` for a moment: the record of a worktree
 * `other` whose `commondir` is truncated and not yet written. Returns that file's path; writing
 * `../..` to it completes the record.
 */
export function writeHalfWrittenRecord(repo: string): string {
  const record = join(repo, '.git', 'worktrees', 'other');
  mkdirSync(record, { recursive: true });
  writeFileSync(join(record, 'gitdir'), `${join(repo, '..', 'other-worktree', '.git')}\n`);
  writeFileSync(join(record, 'HEAD'), git(repo, 'rev-parse', 'HEAD'));
  writeFileSync(join(record, 'locked'), 'initializing\n');
  const commondir = join(record, 'commondir');
  writeFileSync(commondir, '');
  return commondir;
}
