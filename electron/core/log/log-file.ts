// A size-rotated log file: `<dir>/<name>.log`, moved to `.log.1` (and `.1` to `.2`, … up to
// `keep`) when the next line would take it past `maxBytes`. Writes are synchronous on an open
// descriptor, so the line about a crash is on disk before the process ends. Hand-written rather
// than a library (rotating-file-stream and the like are asynchronous streams with time-based
// rotation and compression we do not need): one writer per file, which holds because each shell
// has its own file (desktop.log, serve.log) and the desktop app runs once (single-instance lock).
// A file that cannot be written never breaks the caller: it says so once on stderr and stops.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_DIR_NAME = 'logs';
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_KEEP = 3;

export interface LogFileOptions {
  path: string;
  /** The size a file may reach before the next line goes to a new one. */
  maxBytes?: number;
  /** How many rotated files (`.1` … `.keep`) are kept beside the current one. */
  keep?: number;
}

export interface LogFile {
  readonly path: string;
  write(line: string): void;
  close(): void;
}

/** Where a shell's log file lives in the data folder. */
export function logFilePath(dataDir: string, name: string): string {
  return join(dataDir, LOG_DIR_NAME, `${name}.log`);
}

export function openLogFile(options: LogFileOptions): LogFile {
  const { path } = options;
  const maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
  let fd: number | undefined;
  let size = 0;
  let broken = false;

  const fail = (err: unknown) => {
    broken = true;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already gone
      }
      fd = undefined;
    }
    process.stderr.write(`[flowscope] warn: logging to ${path} stopped: ${(err as Error).message ?? String(err)}\n`);
  };

  const open = () => {
    mkdirSync(join(path, '..'), { recursive: true });
    fd = openSync(path, 'a', 0o600);
    size = fstatSync(fd).size;
  };

  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    renameSync(path, `${path}.1`);
    open();
  };

  return {
    path,
    write(line) {
      if (broken) return;
      try {
        if (fd === undefined) open();
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > maxBytes) rotate();
        writeSync(fd!, line);
        size += bytes;
      } catch (err) {
        fail(err);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      broken = true;
    },
  };
}
