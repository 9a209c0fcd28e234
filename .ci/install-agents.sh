#!/usr/bin/env bash
# Installs the real agent CLIs that the contract tests drive (test/contract-smoke.test.ts), at exact
# versions, into a cache directory OUTSIDE the repository, so `npm ci` of the project stays small.
#
#   .ci/install-agents.sh            # install (or confirm) both CLIs, print where they are
#   CODEX_AGENT_AGENTS_CACHE=/x .ci/install-agents.sh
#
# Idempotent: when the cache already holds the right versions (and their native binaries) it does
# nothing. It never fails CI: when the registry is unreachable it says why and exits 0, and the
# contract tests then skip with a printed reason.
set -uo pipefail

CODEX_VERSION=0.169.0
# Claude Code 2.1.198+ declares node >= 22; on Node 20 only an exact pin installs this version
# (the native binary itself does not use Node).
CLAUDE_VERSION=2.1.330

CACHE_DIR="${CODEX_AGENT_AGENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/codex-agent-ci/agents}"
MODULES="$CACHE_DIR/node_modules"
CODEX_BIN="$MODULES/@openai/codex/bin/codex.js"
CLAUDE_BIN="$MODULES/@anthropic-ai/claude-code/bin/claude.exe"
# The claude-code package ships a ~500-byte shell stub at bin/claude.exe that its postinstall
# replaces with the native binary; anything smaller than this is still the stub.
CLAUDE_MIN_BYTES=1000000

say() { printf 'install-agents: %s\n' "$*"; }

installed_version() { # <package dir>
  node -e 'try { process.stdout.write(require(process.argv[1] + "/package.json").version) } catch {}' "$1" 2>/dev/null
}

codex_ok() {
  [ "$(installed_version "$MODULES/@openai/codex")" = "$CODEX_VERSION" ] || return 1
  # The platform binary is an optional dependency aliased to @openai/codex-<platform>.
  compgen -G "$MODULES/@openai/codex-*/vendor/*/bin/codex" >/dev/null ||
    compgen -G "$MODULES/@openai/codex-*/vendor/*/codex/codex" >/dev/null
}

claude_ok() {
  [ "$(installed_version "$MODULES/@anthropic-ai/claude-code")" = "$CLAUDE_VERSION" ] || return 1
  [ -f "$CLAUDE_BIN" ] && [ "$(stat -c %s "$CLAUDE_BIN" 2>/dev/null || echo 0)" -gt "$CLAUDE_MIN_BYTES" ]
}

report() {
  say "cache: $CACHE_DIR"
  if codex_ok; then say "codex  $CODEX_VERSION: $CODEX_BIN"; else say "codex  $CODEX_VERSION: NOT installed"; fi
  if claude_ok; then say "claude $CLAUDE_VERSION: $CLAUDE_BIN"; else say "claude $CLAUDE_VERSION: NOT installed"; fi
}

if codex_ok && claude_ok; then
  say "already installed, nothing to do"
  report
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  say "npm not found; skipping (the contract tests will skip)"
  exit 0
fi

mkdir -p "$CACHE_DIR" || { say "cannot create $CACHE_DIR; skipping"; exit 0; }
# A manifest of its own (not --no-save): installing one package with --no-save would prune the other.
cat >"$CACHE_DIR/package.json" <<JSON
{
  "name": "codex-agent-ci-agents",
  "private": true,
  "description": "Agent CLIs for the codex-agent contract tests (written by .ci/install-agents.sh)",
  "dependencies": {
    "@openai/codex": "$CODEX_VERSION",
    "@anthropic-ai/claude-code": "$CLAUDE_VERSION"
  },
  "allowScripts": { "@anthropic-ai/claude-code": true }
}
JSON

say "installing @openai/codex@$CODEX_VERSION and @anthropic-ai/claude-code@$CLAUDE_VERSION (two native binaries, ~400 MB each unpacked)..."
started=$(date +%s)
log="$CACHE_DIR/install.log"
# --include=optional: both CLIs get their platform binary from an optional dependency.
# --ignore-scripts=false: claude-code's postinstall links its native binary into bin/claude.exe.
# --engine-strict=false: claude-code declares node >= 22 (its native binary does not use Node).
if ! npm install --prefix "$CACHE_DIR" --no-audit --no-fund --no-update-notifier \
  --include=optional --ignore-scripts=false --engine-strict=false --loglevel=warn >"$log" 2>&1; then
  say "npm install failed (registry unreachable?); the contract tests will skip. Last lines of $log:"
  tail -n 15 "$log" | sed 's/^/  | /'
  report
  exit 0
fi
say "npm install took $(( $(date +%s) - started )) s; $(du -sh "$CACHE_DIR" 2>/dev/null | cut -f1) on disk"

# If the postinstall did not run (a global ignore-scripts, an old npm), run it by hand.
if ! claude_ok && [ -f "$MODULES/@anthropic-ai/claude-code/install.cjs" ]; then
  (cd "$MODULES/@anthropic-ai/claude-code" && node install.cjs) >>"$log" 2>&1 || true
fi

report
codex_ok || say "warning: codex is incomplete (see $log); its contract tests will skip"
claude_ok || say "warning: claude is incomplete (see $log); its contract tests will skip"
exit 0
