import type { Command } from 'commander';

/** One level of the command tree: its subcommands and its options, for the completion scripts. */
export interface CompletionNode {
  path: string;
  subcommands: string[];
  options: string[];
  /** Whether the command's first argument is a task (`<task>`): complete it with slugs. */
  takesTask: boolean;
}

/** The command tree as completion data, walked from commander's definitions so it cannot drift. */
export function completionTree(root: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string[]) => {
    const subs = command.commands.filter((c) => c.name() !== 'help');
    nodes.push({
      path: path.join(' '),
      subcommands: subs.flatMap((c) => [c.name(), ...c.aliases()]),
      options: [...command.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))), '--help'],
      takesTask: command.registeredArguments[0]?.name() === 'task',
    });
    for (const sub of subs) {
      visit(sub, [...path, sub.name()]);
      for (const alias of sub.aliases()) visit(sub, [...path, alias]);
    }
  };
  visit(root, []);
  return nodes;
}

const quote = (words: string[]) => words.join(' ');

/** bash: `source <(codex-agent completion bash)` */
export function bashScript(nodes: CompletionNode[]): string {
  const known = `|${nodes.map((n) => n.path).join('|')}|`;
  const cases = nodes
    .map((n) => `    "${n.path}") words="${quote([...n.subcommands, ...n.options])}"; task=${n.takesTask ? 1 : 0} ;;`)
    .join('\n');
  return `# codex-agent completion for bash. Load it with: source <(codex-agent completion bash)
_codex_agent() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next word words="" task=0 i
  local known="${known}"
  # The command path so far: the words that extend a known command (option values are skipped).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    next="\${path:+$path }$word"
    [[ "$known" == *"|$next|"* ]] && path="$next"
  done
  case "$path" in
${cases}
  esac
  if [[ $task == 1 && "$cur" != -* ]]; then
    words="$words $(codex-agent completion --slugs 2>/dev/null)"
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _codex_agent codex-agent
`;
}

/** zsh: `source <(codex-agent completion zsh)` (uses bash completion emulation). */
export function zshScript(nodes: CompletionNode[]): string {
  return `# codex-agent completion for zsh. Load it with: source <(codex-agent completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes)}`;
}

/** fish: `codex-agent completion fish | source` */
export function fishScript(nodes: CompletionNode[]): string {
  const lines = ['# codex-agent completion for fish. Load it with: codex-agent completion fish | source', 'complete -c codex-agent -f'];
  for (const node of nodes) {
    const condition = node.path === '' ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${node.path.split(' ').at(-1)}`;
    for (const sub of node.subcommands) lines.push(`complete -c codex-agent -n '${condition}' -a '${sub}'`);
    if (node.takesTask) lines.push(`complete -c codex-agent -n '${condition}' -a '(codex-agent completion --slugs 2>/dev/null)'`);
  }
  return `${lines.join('\n')}\n`;
}
