import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../observability/index.ts';

export interface ConfigWatcher {
  /** Watches `dirs` again (a reload may have brought new folders, e.g. of .proto files). */
  rearm(dirs: readonly string[]): void;
  close(): void;
}

/**
 * Watches the config folders (not recursively: `schemas/`, `connectors/`, the folder of
 * gateway.yaml, the folders of .proto files) and calls `onChange` once the events have been
 * quiet for `debounceMs`, so an editor's save burst (temp file, rename, chmod) is one reload.
 * Watching the config folder itself also sees a Kubernetes ConfigMap update, which swaps the
 * `..data` symlink there; every watcher is re-made after each burst, because such a swap
 * replaces the folders the old watchers were attached to.
 */
export function watchConfigDirs(dirs: readonly string[], debounceMs: number, onChange: () => void, logger: Logger): ConfigWatcher {
  let watchers: FSWatcher[] = [];
  let current = [...new Set(dirs)];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    if (closed) return;
    arm();
    onChange();
  };
  const onEvent = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    timer.unref();
  };
  const arm = () => {
    for (const w of watchers) w.close();
    watchers = [];
    for (const dir of current) {
      try {
        const watcher = watch(dir, { persistent: false }, onEvent);
        watcher.on('error', (error) => logger.warn({ err: error, dir }, 'config watcher failed; SIGHUP and the admin endpoint still reload'));
        watchers.push(watcher);
      } catch (error) {
        // A folder that does not exist (yet) is not an error: there is nothing in it to load.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error, dir }, 'cannot watch a config folder');
      }
    }
  };
  arm();
  return {
    rearm(next) {
      current = [...new Set(next)];
      if (!closed) arm();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}
