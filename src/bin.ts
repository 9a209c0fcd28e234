#!/usr/bin/env node
import { main } from './cli.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`codex-agent: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
