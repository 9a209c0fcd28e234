import type { Command } from 'commander';
import { CodexAgentError } from '../../core/errors.js';
import { readRegistry } from '../../core/registry/file.js';
import { bashScript, completionTree, fishScript, zshScript } from '../completion.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `codex-agent completion <bash|zsh|fish>`, and `completion --slugs` which the scripts call. */
export async function completionCommand(ctx: Context, output: Output, root: Command, shell: string | undefined, options: { slugs?: boolean }): Promise<number> {
  if (options.slugs) {
    const repo = await ctx.repo();
    if (!repo) return 0;
    const registry = await readRegistry(ctx.paths.registry);
    output.out(registry.tasks.filter((t) => t.repo === repo.root).map((t) => t.slug).join('\n'));
    return 0;
  }
  const make = shell === undefined ? undefined : SHELLS[shell as keyof typeof SHELLS];
  if (!make) {
    throw new CodexAgentError('usage', shell ? `No completion for the shell "${shell}".` : 'Name the shell: bash, zsh or fish.', {
      hint: 'bash: source <(codex-agent completion bash) · zsh: source <(codex-agent completion zsh) · fish: codex-agent completion fish | source',
    });
  }
  process.stdout.write(make(completionTree(root)));
  return 0;
}
