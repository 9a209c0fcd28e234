/**
 * The phases a run goes through while its task is `running` (DESIGN §5): bootstrap (worktree,
 * hydration, prompt) → planning (agent started, no command or edit yet) → execution (commands and
 * file changes) → verification (checks and review) → finalize (commit, summary); escalation when it
 * ends waiting for the user.
 */
export const RUN_PHASES = ['bootstrap', 'planning', 'execution', 'verification', 'finalize', 'escalation'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
