// Every setting Flowscope takes from its environment, in one place: the variable, the flag that
// wins over it, the default and what it does. The shells read their settings through here
// (connectionSettingsFrom for the Redis to use); docs/CONFIGURATION.md lists the same table, and
// test/unit/config.test.ts keeps the two equal and finds any variable read outside this table.
// `npm start`'s launcher (electron/start/*.js) runs before anything is built, so it reads its own
// few variables itself; they are listed here too, so the table is the whole story.

export type Shell = 'cli' | 'serve' | 'desktop' | 'start';

export interface Setting {
  env: string;
  /** The command-line flag that wins over the variable, where there is one. */
  flag?: string;
  /** What applies when neither is given. */
  default: string;
  /** Where it is read. */
  shells: readonly Shell[];
  what: string;
}

export const SETTINGS = {
  redisUrl: {
    env: 'REDIS_URL',
    flag: '--redis',
    default: 'the sandbox (desktop, serve, demo); redis://127.0.0.1:6379 for the other CLI commands',
    shells: ['cli', 'serve', 'desktop'],
    what: 'The Redis to use, in any URL form of the README (redis://, rediss://, redis+cluster://, redis+sentinel://).',
  },
  tlsCa: {
    env: 'REDIS_TLS_CA',
    flag: '--tls-ca',
    default: 'none (the system CAs)',
    shells: ['cli', 'serve', 'desktop'],
    what: 'A CA certificate file (PEM) for a rediss:// server with a self-signed certificate.',
  },
  sentinelPassword: {
    env: 'REDIS_SENTINEL_PASSWORD',
    flag: '--sentinel-password',
    default: 'none',
    shells: ['cli', 'serve', 'desktop'],
    what: 'The Sentinels\' own password for a redis+sentinel:// URL (the Redis password is in the URL).',
  },
  prefix: {
    env: 'FLOWSCOPE_PREFIX',
    flag: '--prefix',
    default: 'bull',
    shells: ['cli', 'serve', 'desktop'],
    what: 'The BullMQ key prefix of the queues to show (on a cluster it needs a hash tag, e.g. {bull}).',
  },
  dataDir: {
    env: 'FLOWSCOPE_DATA_DIR',
    flag: '--data-dir',
    default: 'the platform\'s user data folder (~/.local/share/flowscope on Linux; Electron\'s userData for the desktop app)',
    shells: ['cli', 'serve', 'desktop'],
    what: 'Where the sandbox Redis, saved connections, audit.jsonl and logs/ live.',
  },
  logLevel: {
    env: 'FLOWSCOPE_LOG_LEVEL',
    flag: '--log-level',
    default: 'info (desktop, serve); warn for the other CLI commands',
    shells: ['cli', 'serve', 'desktop'],
    what: 'The least severe log lines written: info, warn or error.',
  },
  redisServer: {
    env: 'FLOWSCOPE_REDIS_SERVER',
    default: 'redis-server found on the PATH or in the usual install folders',
    shells: ['cli', 'serve', 'desktop'],
    what: 'The redis-server binary the sandbox runs.',
  },
  registerProtocol: {
    env: 'FLOWSCOPE_REGISTER_PROTOCOL',
    default: 'registered only by a packaged app',
    shells: ['desktop'],
    what: 'Set to 1 to register the flowscope:// link handler from an unpackaged app (npm start).',
  },
  rendererUrl: {
    env: 'ELECTRON_RENDERER_URL',
    default: 'the bundled renderer (app://renderer/index.html)',
    shells: ['desktop'],
    what: 'Set by electron-vite in `npm run dev`: the dev server the window loads instead.',
  },
  electronExecPath: {
    env: 'ELECTRON_EXEC_PATH',
    default: 'the binary of the electron package (downloaded on the first `npm start`)',
    shells: ['start'],
    what: 'An Electron binary you already have, for `npm start` / `npm run dev`.',
  },
  electronOverrideDistPath: {
    env: 'ELECTRON_OVERRIDE_DIST_PATH',
    default: 'none',
    shells: ['start'],
    what: 'The electron package\'s own override: a folder holding an Electron build to use.',
  },
  electronDownloadTimeout: {
    env: 'FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT',
    default: '300',
    shells: ['start'],
    what: 'Seconds the first `npm start` may spend downloading the Electron binary before it stops with the ways on.',
  },
  electronMirror: {
    env: 'ELECTRON_MIRROR',
    default: 'GitHub releases',
    shells: ['start'],
    what: 'Where the electron package\'s installer downloads the binary from.',
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

type Env = Readonly<Record<string, string | undefined>>;

/** A setting's value from the environment ('' counts as unset). */
export function fromEnv(name: SettingName, env: Env = process.env): string | undefined {
  const value = env[SETTINGS[name].env];
  return value === undefined || value === '' ? undefined : value;
}

/** What a shell needs to open its core on a Redis: flags first, then the environment. */
export interface ConnectionConfig {
  redisUrl?: string;
  redisTlsCaFile?: string;
  redisSentinelPassword?: string;
  prefix: string;
}

export interface ConnectionFlags {
  redis?: string;
  tlsCa?: string;
  sentinelPassword?: string;
  prefix?: string;
}

export function connectionConfigFrom(env: Env, flags: ConnectionFlags = {}): ConnectionConfig {
  return {
    redisUrl: flags.redis ?? fromEnv('redisUrl', env),
    redisTlsCaFile: flags.tlsCa ?? fromEnv('tlsCa', env),
    redisSentinelPassword: flags.sentinelPassword ?? fromEnv('sentinelPassword', env),
    prefix: flags.prefix ?? fromEnv('prefix', env) ?? SETTINGS.prefix.default,
  };
}
