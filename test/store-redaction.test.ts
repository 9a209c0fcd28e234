// RELIABILITY rule 13 and SEC-1 (the store's part): secrets never reach state.db or its WAL.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_PATTERNS, MIN_SECRET_LENGTH, REDACTED, isSecretName, makeRedactor, redactedJson, secretsFromEnv } from '../core/redact.js';
import { StateStore } from '../core/store/state-store.js';

// Fake secrets, built at run time so that no scanner mistakes this file for a leak.
const OPENAI = ['sk', 'proj', 'Zt4fQm9XbW2kLp7RvN8cYh3JdE6sGa1U'].join('-');
const ANTHROPIC = ['sk', 'ant', 'api03', 'Hq8Lm2Nx5Vb7Zc9Kd4Wf6Gt1Yr3Pj0Se'].join('-');
const GITHUB = `ghp_${'R7kM2xQ9vL4nW8bT1cY6dF3gH5jZ0pS2aE7u'}`;
const GITHUB_PAT = `github_pat_${'11ABCDEFG0abcdefghijKL_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU'}`;
const AWS = `AKIA${'QWERTYUIOP123456'}`;
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiI0MiJ9', 'c2lnbmF0dXJlMTIzNDU2'].join('.');
// Opaque: a secret only by where it stands (after "Bearer "), like the private key's body.
const BEARER_TOKEN = 'ya29.a0AfH6SMBx7Kq2LmN9pQr4StUv';
const PRIVATE_KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBzZWNyZXRzZWNyZXRzZWNyZXRzZWNyZXRzZWNyZXQ=', '-----END OPENSSH PRIVATE KEY-----'].join('\n');
const KEY_BODY = 'QyNTUxOQAAACBzZWNyZXRzZWNyZXRzZWNyZXRzZWNyZXRzZWNyZXQ=';
// Exact-value secrets with no recognizable shape, known only from the environment.
const DB_PASSWORD = 'c0rrect"horse\\battery staple';
const SERVICE_TOKEN = 'plain-looking-value-42';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-redact-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('makeRedactor', () => {
  const redact = makeRedactor({ secrets: [DB_PASSWORD, SERVICE_TOKEN, 'short'] });

  it.each([
    ['OpenAI key', `key=${OPENAI}.`, 'key=[REDACTED].'],
    ['Anthropic key', `x ${ANTHROPIC} y`, 'x [REDACTED] y'],
    ['GitHub token', `token ${GITHUB}`, 'token [REDACTED]'],
    ['GitHub fine-grained PAT', GITHUB_PAT, REDACTED],
    ['AWS key id', `aws_access_key_id = ${AWS}`, 'aws_access_key_id = [REDACTED]'],
    ['Bearer token', `Authorization: Bearer ${BEARER_TOKEN}`, 'Authorization: Bearer [REDACTED]'],
    ['JSON Web Token', `jwt=${JWT}`, 'jwt=[REDACTED]'],
    ['private key', `key:\n${PRIVATE_KEY}\ndone`, `key:\n${REDACTED}\ndone`],
    ['exact value', `psql password=${DB_PASSWORD};`, 'psql password=[REDACTED];'],
    ['exact value, JSON-escaped', JSON.stringify({ pw: DB_PASSWORD }), '{"pw":"[REDACTED]"}'],
  ])('removes a %s', (_name, input, output) => {
    expect(redact(input)).toBe(output);
  });

  it('leaves ordinary text, short values and prose about bearers alone', () => {
    const text = 'Bearer authentication uses a short password in this sketch; the sk-learn task sets KEY=1.';
    expect(redact(text)).toBe(text);
    expect('short'.length).toBeLessThan(MIN_SECRET_LENGTH);
  });

  it('redacts a private key printed without its END line', () => {
    const head = PRIVATE_KEY.split('\n').slice(0, 3).join('\n');
    expect(redact(`cat id_ed25519 | head -3\n${head}`)).toBe(`cat id_ed25519 | head -3\n${REDACTED}`);
  });

  it('takes custom patterns in place of the defaults', () => {
    const custom = makeRedactor({ patterns: [/tok-\d+/] });
    expect(custom(`tok-123 and ${OPENAI}`)).toBe(`[REDACTED] and ${OPENAI}`);
    expect(DEFAULT_SECRET_PATTERNS.length).toBeGreaterThan(5);
  });
});

describe('secretsFromEnv', () => {
  it('takes the values of variables whose names look secret', () => {
    const env = {
      OPENAI_API_KEY: OPENAI,
      GH_TOKEN: GITHUB,
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      PGPASSWORD: DB_PASSWORD,
      MY_CUSTOM: 'named-by-config',
      PATH: '/usr/bin',
      HOME: '/home/me',
      PWD: '/work',
      MONKEY_BUSINESS: 'not a key',
      EMPTY_TOKEN: '',
    };
    expect(secretsFromEnv(env, ['MY_CUSTOM']).sort()).toEqual([OPENAI, GITHUB, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', DB_PASSWORD, 'named-by-config'].sort());
    expect(['ANTHROPIC_API_KEY', 'npm_config__authToken', 'DB_PASSWD', 'SSH_KEY', 'GITHUB_PAT'].every(isSecretName)).toBe(true);
    expect(['PATH', 'KEYBOARD', 'SSH_AUTH_SOCK', 'PWD', 'PATCH_LEVEL'].some(isSecretName)).toBe(false);
  });
});

describe('redactedJson', () => {
  it('always yields valid JSON, keys included', () => {
    // A secret starting with a letter that also ends an escape: redacting the JSON text would
    // have left a dangling backslash; redacting before serializing cannot.
    const redact = makeRedactor({ secrets: ['n-secret-value'] });
    const text = redactedJson({ line: '\nn-secret-value', [OPENAI]: 1, n: 12345678 }, makeRedactor({ secrets: ['n-secret-value', '12345678'] }));
    expect(JSON.parse(text)).toEqual({ line: `\n${REDACTED}`, [REDACTED]: 1, n: REDACTED });
    expect(redactedJson(undefined, redact)).toBe('null');
  });
});

describe('SEC-1: the store', () => {
  it('writes no secret into state.db or its WAL, by value or by pattern', () => {
    const file = join(dir, 'state.db');
    const env = { OPENAI_API_KEY: OPENAI, DB_PASSWORD, SERVICE_TOKEN };
    const store = StateStore.open(file, { redact: makeRedactor({ secrets: secretsFromEnv(env) }) });
    const all = [OPENAI, ANTHROPIC, GITHUB, GITHUB_PAT, AWS, JWT, DB_PASSWORD, SERVICE_TOKEN].join(' | ') + `\nAuthorization: Bearer ${BEARER_TOKEN}\n${PRIVATE_KEY}`;
    const leaks = [OPENAI, ANTHROPIC, GITHUB, GITHUB_PAT, AWS, JWT, BEARER_TOKEN, DB_PASSWORD, SERVICE_TOKEN, KEY_BODY];

    const runId = store.createRun({ repo: '/repo', slug: 'leaky', profile: 'p', kind: 'command', phase: 'execution', startedAt: 1 });
    store.appendEvents(runId, [
      { ts: 1, type: 'message', data: { text: all, nested: [{ argv: ['curl', '-H', `Authorization: Bearer ${BEARER_TOKEN}`] }] } },
      { ts: 2, type: 'command', data: `echo ${DB_PASSWORD} ${SERVICE_TOKEN}` },
      { ts: 3, type: 'raw', data: { line: JSON.stringify({ env: env }) } },
      { ts: 4, type: 'env', data: { [SERVICE_TOKEN]: 'as a key' } },
    ]);
    store.updateRun(runId, { error: `failed: ${all}`, summary: `summary ${all}`, question: `use ${DB_PASSWORD}?`, sessionId: SERVICE_TOKEN, usage: { note: OPENAI }, owner: `x ${AWS}` });
    store.recordTransition({ repo: '/repo', slug: 'leaky', from: 'running', to: 'stuck', reason: `asked about ${GITHUB}`, runId, at: 2 });
    store.updateRun(runId, { phase: 'escalation' });
    expect(store.eventsOf(runId).map((e) => e.type)).toEqual(['message', 'command', 'raw', 'env']);

    const needles = leaks.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
    const scan = (path: string) => {
      const bytes = readFileSync(path);
      return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));
    };
    // The data is really there (in the WAL before a checkpoint), only without its secrets.
    expect(readFileSync(`${file}-wal`).includes(Buffer.from(REDACTED))).toBe(true);
    expect(scan(file)).toEqual([]);
    expect(scan(`${file}-wal`)).toEqual([]);
    store.close();
    expect(existsSync(`${file}-wal`) ? scan(`${file}-wal`) : []).toEqual([]);
    expect(readFileSync(file).includes(Buffer.from(REDACTED))).toBe(true);
    expect(scan(file)).toEqual([]);
  });

  it('redacts by pattern even when no redactor is given', () => {
    const store = StateStore.open(join(dir, 'default.db'));
    const runId = store.createRun({ repo: '/repo', slug: 's', profile: 'p', kind: 'command', phase: 'execution', startedAt: 1 });
    store.appendEvents(runId, [{ ts: 1, type: 'message', data: `here: ${OPENAI}` }]);
    expect(store.eventsOf(runId)[0]?.data).toBe(`here: ${REDACTED}`);
    store.close();
  });
});
