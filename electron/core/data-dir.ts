// Where Flowscope keeps its files outside Electron (the desktop app uses app.getPath('userData')):
// $FLOWSCOPE_DATA_DIR, else the platform's per-user data folder.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromEnv } from './config';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const chosen = fromEnv('dataDir', env);
  if (chosen) return chosen;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flowscope');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Flowscope');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'flowscope');
}
