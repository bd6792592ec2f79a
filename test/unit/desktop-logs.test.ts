// Logs: the level from --log-level / $FLOWSCOPE_LOG_LEVEL, redaction of every line, the file
// line format, the crash reporter of the main process, and Help → Open logs folder.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logLevelFrom, memoryLogger, redactSecrets, stderrLogger } from '../../electron/core/log/logger';
import { logFilePath, openLogFile } from '../../electron/core/log/log-file';
import { crashReporter, DIALOG_GAP_MS } from '../../electron/main/crash-report';
import { menuTemplate, OPEN_LOGS_ID } from '../../electron/main/app-menu';

afterEach(() => vi.restoreAllMocks());

describe('logLevelFrom', () => {
  it('takes --log-level (either form) over $FLOWSCOPE_LOG_LEVEL over the default', () => {
    expect(logLevelFrom({}, [], 'info')).toEqual({ level: 'info' });
    expect(logLevelFrom({ FLOWSCOPE_LOG_LEVEL: 'warn' }, [], 'info')).toEqual({ level: 'warn' });
    expect(logLevelFrom({ FLOWSCOPE_LOG_LEVEL: ' ERROR ' }, [], 'info')).toEqual({ level: 'error' });
    expect(logLevelFrom({ FLOWSCOPE_LOG_LEVEL: 'warn' }, ['electron', '.', '--log-level', 'error'], 'info')).toEqual({ level: 'error' });
    expect(logLevelFrom({}, ['--log-level=warn'], 'info')).toEqual({ level: 'warn' });
    expect(logLevelFrom({ FLOWSCOPE_LOG_LEVEL: '' }, [], 'warn')).toEqual({ level: 'warn' });
  });
  it('a value that is not a level is ignored and said', () => {
    const bad = logLevelFrom({ FLOWSCOPE_LOG_LEVEL: 'verbose' }, [], 'info');
    expect(bad.level).toBe('info');
    expect(bad.problem).toMatch(/FLOWSCOPE_LOG_LEVEL "verbose" is not a level \(info, warn, error\)/);
    expect(logLevelFrom({}, ['--log-level=x'.padEnd(200, 'x')], 'warn').problem).toMatch(/--log-level "x+… \(\d+ chars\)" is not a level/);
  });
});

describe('stderrLogger', () => {
  it('uses its level unless $FLOWSCOPE_LOG_LEVEL names another (serve and the web host)', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stderrLogger('warn', {}).info('hidden');
    stderrLogger('warn', { FLOWSCOPE_LOG_LEVEL: 'info' }).info('shown');
    stderrLogger('info', { FLOWSCOPE_LOG_LEVEL: 'error' }).warn('hidden too');
    stderrLogger('warn', { FLOWSCOPE_LOG_LEVEL: 'nonsense' }).warn('kept at its own level');
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual(['[flowscope] info: shown\n', '[flowscope] warn: kept at its own level\n']);
  });
});

describe('redactSecrets', () => {
  it('replaces passwords in Redis URLs (shared/redis-url.ts) and other URLs, keeps the rest', () => {
    expect(redactSecrets('connecting to redis://alice:hunter2@10.0.0.5:6380/2 now')).toBe('connecting to redis://alice:***@10.0.0.5:6380/2 now');
    expect(redactSecrets('{"url":"rediss://:s3cret@h:6379"}')).not.toContain('s3cret');
    expect(redactSecrets('redis+sentinel://u:pw@h1:26379,h2:26379/mymaster')).not.toContain(':pw@');
    expect(redactSecrets('redis://h:6379/0?password=topsecret')).not.toContain('topsecret');
    expect(redactSecrets('https://bob:pa55@example.com/x?token=abc&y=1')).toBe('https://bob:***@example.com/x?token=***&y=1');
    expect(redactSecrets('redis://u:p%ZZ@bad:port')).not.toContain('p%ZZ');
    expect(redactSecrets('nothing to hide: redis://127.0.0.1:6379')).toBe('nothing to hide: redis://127.0.0.1:6379');
  });
});

describe('createLogger', () => {
  it('writes lines at or above its level to stderr and, with a timestamp, to the file; redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowscope-logs-'));
    const file = openLogFile({ path: logFilePath(dir, 'desktop') });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = createLogger({ level: 'warn', file, now: () => new Date('2026-01-02T03:04:05.000Z') });
    log.info('not at this level');
    log.warn('connection failed', { url: 'redis://u:hunter2@h:1' });
    log.error('crash', { err: new Error('boom') });
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
      '[flowscope] warn: connection failed {"url":"redis://u:***@h:1"}\n',
      expect.stringMatching(/^\[flowscope\] error: crash \{"err":\{"message":"boom","stack":"Error: boom/),
    ]);
    const lines = readFileSync(join(dir, 'logs', 'desktop.log'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('2026-01-02T03:04:05.000Z warn: connection failed {"url":"redis://u:***@h:1"}');
    expect(lines[1]).toMatch(/^2026-01-02T03:04:05.000Z error: crash/);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines.join('\n')).not.toContain('not at this level');
  });
});

describe('crashReporter', () => {
  it('logs an uncaught exception with its stack and shows it; a rejection too', () => {
    const log = memoryLogger();
    const shown: { title: string; text: string }[] = [];
    let now = 0;
    const crash = crashReporter({ log, show: (title, text) => shown.push({ title, text }), logPath: '/data/logs/desktop.log', now: () => now });
    crash.uncaughtException(new Error('redis://u:hunter2@h:1 went away'));
    expect(log.entries[0]).toMatchObject({ level: 'error', message: 'An unexpected error in the main process' });
    expect(String(log.entries[0]!.fields!.stack)).toContain('Error: redis://u:hunter2@h:1 went away');
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toContain('went away');
    expect(shown[0]!.text).toContain('/data/logs/desktop.log');
    expect(shown[0]!.text).not.toContain('hunter2');
    now += DIALOG_GAP_MS;
    crash.unhandledRejection('plain reason');
    expect(log.entries[1]).toMatchObject({ level: 'error', message: 'An unhandled promise rejection in the main process', fields: { message: 'plain reason' } });
    expect(shown).toHaveLength(2);
  });

  it('an error in a loop logs every time but shows one dialog per gap, counting the rest', () => {
    const log = memoryLogger();
    const shown: string[] = [];
    let now = 1000;
    const crash = crashReporter({ log, show: (_t, text) => shown.push(text), now: () => now });
    for (let i = 0; i < 5; i++) crash.unhandledRejection(new Error(`e${i}`));
    expect(log.entries).toHaveLength(5);
    expect(shown).toHaveLength(1);
    now += DIALOG_GAP_MS;
    crash.unhandledRejection(new Error('later'));
    expect(shown).toHaveLength(2);
    expect(shown[1]).toContain('(4 more since the last message: see the log.)');
  });

  it('a dialog that cannot be shown is logged, not thrown', () => {
    const log = memoryLogger();
    const crash = crashReporter({
      log,
      show: () => {
        throw new Error('no display');
      },
    });
    expect(() => crash.uncaughtException(new Error('x'))).not.toThrow();
    expect(log.entries.map((e) => e.message)).toEqual(['An unexpected error in the main process', 'could not show the error dialog']);
  });

  it('the shell installs it for both events', () => {
    const main = readFileSync('electron/main/index.ts', 'utf8');
    expect(main).toMatch(/process\.on\('uncaughtException', crash\.uncaughtException\)/);
    expect(main).toMatch(/process\.on\('unhandledRejection', crash\.unhandledRejection\)/);
  });
});

describe('Help → Open logs folder', () => {
  it('is in the Help menu and opens the folder', () => {
    let opened = 0;
    const template = menuTemplate({ isMac: false, runDemo: () => undefined, newWindow: () => undefined, openLogsFolder: () => opened++ });
    const help = template.find((m) => m.role === 'help');
    const item = (help?.submenu as { id?: string; label?: string; click?: () => void }[]).find((i) => i.id === OPEN_LOGS_ID)!;
    expect(item.label).toBe('Open logs folder');
    item.click!();
    expect(opened).toBe(1);
    expect(template.at(-1)).toBe(help);
  });
});
