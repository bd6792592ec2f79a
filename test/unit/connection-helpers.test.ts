import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer } from '../../electron/core/connection/find-redis-server';
import { redactRedisUrl as redactUrl } from '../../shared/redis-url';
import { defaultDataDir } from '../../electron/core/data-dir';
import { escapeGlob } from '../../electron/core/queues/discover-queues';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://user:hunter2@redis.internal:6380/2')).toBe('redis://user:***@redis.internal:6380/2');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('::nonsense')).toBe('<invalid url>');
  });
});

describe('findRedisServer', () => {
  it('finds an executable redis-server on PATH and nothing where there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-bin-'));
    const bin = join(dir, 'redis-server');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(findRedisServer(undefined, { PATH: dir })).toBe(bin);
    expect(findRedisServer(join(dir, 'missing'), { PATH: dir })).toBeNull();
    expect(findRedisServer(undefined, { FLOWSCOPE_REDIS_SERVER: join(dir, 'nope'), PATH: dir })).toBeNull();
  });
});

describe('defaultDataDir', () => {
  it('prefers $FLOWSCOPE_DATA_DIR, then the platform folder', () => {
    expect(defaultDataDir({ FLOWSCOPE_DATA_DIR: '/data/fs' }, 'linux')).toBe('/data/fs');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/flowscope');
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Flowscope$/);
  });
});

describe('escapeGlob', () => {
  it('escapes Redis glob specials so prefixes match literally', () => {
    expect(escapeGlob('{flows}')).toBe('{flows}');
    expect(escapeGlob('a*b?[c]\\')).toBe('a\\*b\\?\\[c\\]\\\\');
  });
});
