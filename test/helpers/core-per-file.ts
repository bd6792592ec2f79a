// One test Redis and one core on it for a whole test file (optionally a web host in front of
// the core), started before its first test and closed after its last, in place of the
// beforeAll/afterAll pair every core test wrote:
//   const { redis, core } = coreForFile();
//   const { redis, core, host } = webHostForFile();
// Like testRedisForFile, the answers stand for what is started from the start: read them inside
// hooks and tests (before the file's beforeAll has run, reading them throws). A file's own
// beforeAll runs after these are up, and its own afterAll before they close.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../electron/core/create-core';
import { memoryLogger } from '../../electron/core/log/logger';
import { startWebHost, type HostedCore, type WebHost, type WebHostOptions } from '../../electron/host/web-host';
import type { TestRedis, TestRedisOptions } from './redis';
import { testRedisForFile } from './redis-per-file';
import { standIn } from './stand-in';

/** Something started between the core and Redis (a TCP proxy): the core connects to its url. */
export interface Between {
  url: string;
  close(): Promise<void>;
}

export interface CoreForFileOptions<V extends Between> {
  redis?: TestRedisOptions;
  /** Started once Redis is, before the core; the core connects through it; closed after the core. */
  via?: (redis: TestRedis) => Promise<V>;
  /** Runs once Redis is up and the data folder made, before the core starts (files the core reads at start). */
  before?: (started: { redis: TestRedis; dataDir: string }) => Promise<void> | void;
  /** The core's prefix (default the test Redis's). */
  prefix?: (redis: TestRedis) => string;
  /** The rest of the core's options (default: shell web, a memory logger). */
  core?: Partial<Omit<CoreOptions, 'dataDir' | 'redisUrl' | 'prefix'>>;
  /** How long the start may take (default the hook timeout). */
  timeoutMs?: number;
}

export interface FileCore<V extends Between = Between> {
  redis: TestRedis;
  core: Core;
  /** What `via` started (reading it when there is none throws). */
  via: V;
  /** A throwaway folder of this file's: the core's data folder. */
  readonly dataDir: string;
}

export function coreForFile<V extends Between = Between>(options: CoreForFileOptions<V> = {}): FileCore<V> {
  const redis = testRedisForFile(options.redis);
  let dataDir: string | undefined;
  let via: V | undefined;
  let core: Core | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flowscope-core-'));
    via = await options.via?.(redis);
    await options.before?.({ redis, dataDir });
    core = await createCore({
      shell: 'web',
      log: memoryLogger(),
      ...options.core,
      dataDir,
      redisUrl: via?.url ?? redis.url,
      prefix: options.prefix?.(redis) ?? redis.prefix,
    });
    await core.ready;
  }, options.timeoutMs);
  afterAll(async () => {
    await core?.close();
    await via?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    redis,
    core: standIn('coreForFile: the core', () => core),
    via: standIn('coreForFile: what `via` started', () => via),
    get dataDir() {
      if (!dataDir) throw new Error("coreForFile: dataDir is read before the file's beforeAll made it");
      return dataDir;
    },
  };
}

export interface WebHostForFileOptions<V extends Between> extends CoreForFileOptions<V> {
  /** What the host serves in place of the core itself: the core wrapped (calls counted or held). */
  hosted?: (core: Core) => HostedCore;
  /** The host's other options (its log defaults to the core's). */
  host?: Partial<Omit<WebHostOptions, 'core' | 'staticDir'>>;
  /** Written as the served index.html. */
  page?: string;
}

export interface FileWebHost<V extends Between = Between> extends FileCore<V> {
  host: WebHost;
}

/** coreForFile with a web host in front of the core (its static folder the core's data folder). */
export function webHostForFile<V extends Between = Between>(options: WebHostForFileOptions<V> = {}): FileWebHost<V> {
  const log = options.core?.log ?? memoryLogger();
  const file = coreForFile({ ...options, core: { ...options.core, log } });
  let host: WebHost | undefined;
  beforeAll(async () => {
    if (options.page !== undefined) writeFileSync(join(file.dataDir, 'index.html'), options.page);
    host = await startWebHost({ log, ...options.host, core: options.hosted ? options.hosted(file.core) : file.core, staticDir: file.dataDir });
  });
  afterAll(async () => host?.close());
  return {
    redis: file.redis,
    core: file.core,
    via: file.via,
    get dataDir() {
      return file.dataDir;
    },
    host: standIn('webHostForFile: the host', () => host),
  };
}

type Closer = (...closes: (() => Promise<unknown> | unknown)[]) => void;

function closeAfter(hook: typeof afterEach | typeof afterAll): Closer {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  hook(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  return (...closes) => void closers.push(...closes);
}

/** Closes what a test opened (workers, producers, listeners) after each test, last opened first. */
export const closeAfterEach = (): Closer => closeAfter(afterEach);

/** Closes what the file opened after its last test, last opened first (before coreForFile's core, when called after it). */
export const closeAfterAll = (): Closer => closeAfter(afterAll);
