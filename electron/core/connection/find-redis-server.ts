// Locates a redis-server binary for the sandbox: an explicit path, $FLOWSCOPE_REDIS_SERVER,
// then PATH and the usual install folders.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fromEnv } from '../config';

const USUAL_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin', '/snap/bin'];

export const INSTALL_HINT =
  'redis-server was not found. Install it (Debian/Ubuntu: `apt install redis-server`, macOS: `brew install redis`), ' +
  'set FLOWSCOPE_REDIS_SERVER to its path, or connect to an existing Redis with --redis URL / REDIS_URL.';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findRedisServer(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (explicitPath) return isExecutable(explicitPath) ? explicitPath : null;
  const chosen = fromEnv('redisServer', env);
  if (chosen) return isExecutable(chosen) ? chosen : null;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...USUAL_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}
