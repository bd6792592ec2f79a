// The one table of settings (electron/core/config.ts): docs/CONFIGURATION.md says the same, no
// code reads a variable the table does not list, and flags win over the environment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionConfigFrom, fromEnv, SETTINGS } from '../../electron/core/config';

const ROOT = join(__dirname, '../..');
const settings = Object.values(SETTINGS);
/** Variables of the platform (and npm's own spelling of ELECTRON_MIRROR), not Flowscope's settings. */
const PLATFORM = new Set(['PATH', 'APPDATA', 'XDG_DATA_HOME', 'HOME', 'NPM_CONFIG_ELECTRON_MIRROR']);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

describe('configuration', () => {
  it('docs/CONFIGURATION.md has one row per setting, with its flag', () => {
    const rows = readFileSync(join(ROOT, 'docs/CONFIGURATION.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.map((row) => /^\| `([A-Z_]+)`/.exec(row)?.[1])).toEqual(settings.map((s) => s.env));
    for (const s of settings) {
      const row = rows.find((r) => r.startsWith(`| \`${s.env}\``))!;
      const flag = row.split('|')[2]!.trim();
      expect(flag, s.env).toBe('flag' in s ? `\`${s.flag}\`` : '');
    }
  });

  it('no code reads an environment variable the table does not list', () => {
    const known = new Set<string>(settings.map((s) => s.env));
    const unknown: string[] = [];
    for (const file of [...sources('electron'), ...sources('shared'), ...sources('renderer/src')]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\b(?:process\.env|env)(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) {
        const name = m[1] ?? m[2]!;
        if (!known.has(name) && !PLATFORM.has(name)) unknown.push(`${file}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('flags win over the environment, an empty variable is unset, the prefix defaults to bull', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:1', FLOWSCOPE_PREFIX: '', REDIS_TLS_CA: '/ca.pem' };
    expect(connectionConfigFrom(env)).toEqual({ redisUrl: 'redis://127.0.0.1:1', redisTlsCaFile: '/ca.pem', redisSentinelPassword: undefined, prefix: 'bull' });
    expect(connectionConfigFrom(env, { redis: 'redis://127.0.0.1:2', prefix: '{p}' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:2', prefix: '{p}' });
    expect(connectionConfigFrom({ FLOWSCOPE_PREFIX: 'app' }).prefix).toBe('app');
    expect(fromEnv('dataDir', { FLOWSCOPE_DATA_DIR: '' })).toBeUndefined();
  });
});
