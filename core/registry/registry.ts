import { appPaths } from '../paths.js';
import { sweepTempFiles, writeFileAtomically } from '../atomic-file.js';
import type { RegistryFile } from '../task.js';
import { isValidRegistry } from './check.js';
import { parseRegistry, readRegistry, readRegistryText, validateRegistry } from './file.js';
import { withFileLock, type LockOptions } from './lock.js';
import { refreshReadiness } from './readiness.js';

/** What an update saw and did besides its own result. */
export interface UpdateInfo {
  /** Leftover temp files of crashed writers that were removed. */
  sweptTempFiles: number;
  /** The version the file was migrated from (equal to the current one when no migration ran). */
  migratedFrom: number;
}

/**
 * The global task registry (DESIGN §4): one JSON file shared by every command, the dashboard and
 * the supervisor. Reads are lock-free (writes are atomic renames); every change is a locked
 * read-modify-write (RELIABILITY rules 1–4).
 */
export class Registry {
  readonly file: string;
  private readonly lock: LockOptions;

  constructor(file: string = appPaths().registry, lock: LockOptions = {}) {
    this.file = file;
    this.lock = lock;
  }

  /** The registry as it is now. */
  read(): Promise<RegistryFile> {
    return readRegistry(this.file);
  }

  /**
   * Changes the registry: takes the lock, re-reads the file inside it, lets `mutate` change the
   * tasks in place, derives todo/ready from the dependencies, validates everything and replaces
   * the file atomically. When `mutate` throws, nothing is written.
   */
  async update<T>(mutate: (registry: RegistryFile) => T | Promise<T>): Promise<T> {
    return (await this.updateWithInfo(mutate)).result;
  }

  async updateWithInfo<T>(mutate: (registry: RegistryFile) => T | Promise<T>): Promise<{ result: T; info: UpdateInfo }> {
    return withFileLock(
      this.file,
      async (lock) => {
        const sweptTempFiles = sweepTempFiles(this.file);
        // The quick shape check suffices here: the whole result is validated before it is written,
        // so a hand-broken file is still refused (naming the task and field), at half the cost.
        const { registry, migratedFrom } = await parseRegistry(readRegistryText(this.file), this.file, false);
        const before = JSON.stringify(registry);
        const result = await mutate(registry);
        refreshReadiness(registry.tasks, new Date().toISOString());
        const text = `${JSON.stringify(registry, null, 2)}\n`;
        if (JSON.stringify(registry) !== before || migratedFrom !== registry.version) {
          // The plain-code check passes a valid registry without loading zod; zod names any problem.
          if (!isValidRegistry(registry)) await validateRegistry(registry, this.file);
          lock.assertHeld();
          writeFileAtomically(this.file, text);
        }
        return { result, info: { sweptTempFiles, migratedFrom } };
      },
      this.lock,
    );
  }
}
