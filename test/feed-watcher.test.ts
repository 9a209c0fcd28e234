import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedWatcher } from '../core/dashboard/feed-watcher.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FeedWatcher', () => {
  const dirs: string[] = [];
  const watchers: FeedWatcher[] = [];
  afterEach(async () => {
    for (const w of watchers.splice(0)) await w.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function watching() {
    const dir = mkdtempSync(join(tmpdir(), 'codex-agent-watch-'));
    dirs.push(dir);
    const data = join(dir, 'data');
    mkdirSync(data);
    const stateDb = join(data, 'state.db');
    writeFileSync(`${stateDb}-wal`, 'a');
    const heard: { what: string; at: number }[] = [];
    const watcher = new FeedWatcher(
      { registryFile: join(data, 'tasks.json'), stateDb },
      {
        registry: () => heard.push({ what: 'registry', at: Date.now() }),
        database: () => heard.push({ what: 'database', at: Date.now() }),
        gitDir: (key) => heard.push({ what: `git ${key}`, at: Date.now() }),
      },
    );
    watchers.push(watcher);
    await watcher.start();
    return { data, stateDb, heard };
  }

  it('hears the last of two WAL writes made within a few milliseconds (chokidar alone drops it)', async () => {
    const { stateDb, heard } = await watching();
    for (let round = 0; round < 5; round++) {
      appendFileSync(`${stateDb}-wal`, 'first');
      await sleep(10);
      appendFileSync(`${stateDb}-wal`, 'second');
      const secondAt = Date.now();
      const deadline = secondAt + 2000;
      while (!heard.some((h) => h.what === 'database' && h.at >= secondAt) && Date.now() < deadline) await sleep(5);
      expect(heard.some((h) => h.what === 'database' && h.at >= secondAt), `round ${round}: the second write was heard`).toBe(true);
      await sleep(80);
    }
  });

  it('tells the registry from the database and ignores the shared-memory file and the lock', async () => {
    const { data, stateDb, heard } = await watching();
    writeFileSync(`${stateDb}-shm`, 'x');
    writeFileSync(join(data, 'tasks.json.lock'), 'x');
    await sleep(200);
    expect(heard).toEqual([]);
    writeFileSync(join(data, 'tasks.json'), '{}');
    const deadline = Date.now() + 2000;
    while (!heard.some((h) => h.what === 'registry') && Date.now() < deadline) await sleep(5);
    expect(new Set(heard.map((h) => h.what))).toEqual(new Set(['registry']));
  });
});
