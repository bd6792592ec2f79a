// The decisions of `npm start` (electron/start/desktop-launch.js): which binary, whether to build,
// what Electron is started with, and what is said when there is no binary.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  cannotStartMessage,
  chooseElectronBinary,
  downloadFailedProblem,
  downloadReason,
  downloadTimeoutSeconds,
  electronArgs,
  electronMirror,
  isBuildStale,
  launchEnv,
  platformExecutable,
} from '../../electron/start/desktop-launch.js';

const none = () => false;
const all = () => true;

describe('chooseElectronBinary', () => {
  it('takes ELECTRON_EXEC_PATH first, and says when it names nothing', () => {
    const found = { execPath: '/opt/electron/electron', pathTxt: 'electron', electronDir: '/app/node_modules/electron', platform: 'linux' };
    expect(chooseElectronBinary(found, all)).toEqual({ kind: 'found', path: '/opt/electron/electron', from: 'ELECTRON_EXEC_PATH' });
    expect(chooseElectronBinary(found, none)).toEqual({ kind: 'bad', path: '/opt/electron/electron', from: 'ELECTRON_EXEC_PATH' });
  });
  it('takes a folder from ELECTRON_OVERRIDE_DIST_PATH, with the executable the platform names', () => {
    expect(chooseElectronBinary({ overrideDistPath: '/opt/el', platform: 'linux' }, all)).toMatchObject({ kind: 'found', path: '/opt/el/electron' });
    expect(chooseElectronBinary({ overrideDistPath: '/opt/el', platform: 'darwin' }, all)).toMatchObject({ path: '/opt/el/Electron.app/Contents/MacOS/Electron' });
  });
  it("uses the package's download when path.txt names a binary that exists, of the package's version", () => {
    const pkg = { pathTxt: 'electron', electronDir: '/app/node_modules/electron', platform: 'linux', version: '45.4.1' };
    expect(chooseElectronBinary({ ...pkg, installedVersion: 'v45.4.1' }, all)).toEqual({ kind: 'found', path: '/app/node_modules/electron/dist/electron', from: 'the electron package' });
    expect(chooseElectronBinary({ ...pkg, installedVersion: 'v44.0.0' }, all)).toEqual({ kind: 'missing' });
    expect(chooseElectronBinary(pkg, none)).toEqual({ kind: 'missing' });
    expect(chooseElectronBinary({ ...pkg, pathTxt: undefined }, all)).toEqual({ kind: 'missing' });
  });
  it('names the executable as the electron package does', () => {
    expect(platformExecutable('linux')).toBe('electron');
    expect(platformExecutable('win32')).toBe('electron.exe');
    expect(platformExecutable('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
  });
});

describe('isBuildStale', () => {
  it('builds when an output is missing or older than the newest source', () => {
    expect(isBuildStale(100, [200, 200, 200])).toBe(false);
    expect(isBuildStale(300, [200, 400, 400])).toBe(true);
    expect(isBuildStale(100, [200, undefined, 200])).toBe(true);
    expect(isBuildStale(0, [])).toBe(true);
  });
});

describe('launch', () => {
  it('starts Electron on the app folder, then the arguments given to npm start', () => {
    expect(electronArgs('/app', ['--no-sandbox'])).toEqual(['/app', '--no-sandbox']);
  });
  it('never passes ELECTRON_RUN_AS_NODE on (it would make Electron plain Node)', () => {
    expect(launchEnv({ ELECTRON_RUN_AS_NODE: '1', REDIS_URL: 'redis://x' })).toEqual({ REDIS_URL: 'redis://x' });
  });
  it('bounds the download: a number of seconds, else the default', () => {
    expect(downloadTimeoutSeconds(undefined)).toBe(300);
    expect(downloadTimeoutSeconds('2.5')).toBe(2.5);
    expect(downloadTimeoutSeconds('soon')).toBe(300);
    expect(downloadTimeoutSeconds('0', 60)).toBe(60);
  });
  it('package.json: npm start and npm run dev go through the start script', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; main: string };
    expect(pkg.scripts.start).toBe('node electron/start/start-desktop.js');
    expect(pkg.scripts.dev).toBe('node electron/start/start-desktop.js --dev');
    expect(pkg.main).toBe('out/main/index.js');
  });
});

describe('the message when there is no binary', () => {
  it("keeps install.js's error message and drops its stack", () => {
    const stderr = 'TypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13\n    at async FetchDownloader.download (file:///x.js:46:30)\n';
    expect(downloadReason(stderr)).toBe('fetch failed');
    expect(downloadReason('HTTPError: Response code 404 (Not Found) for http://127.0.0.1:1/v45/electron.zip\n    at x')).toBe(
      'Response code 404 (Not Found) for http://127.0.0.1:1/v45/electron.zip',
    );
    expect(downloadReason('')).toBe('it stopped without saying why');
  });
  it('says what failed, where from, and the two ways on', () => {
    const message = cannotStartMessage(downloadFailedProblem({ version: '45.4.1', reason: 'fetch failed', mirror: 'http://127.0.0.1:1/' }));
    expect(message).toContain('cannot open the desktop app: the Electron 45.4.1 binary is not installed and downloading it from http://127.0.0.1:1/ failed: fetch failed.');
    expect(message).toContain('npm run serve');
    expect(message).toContain('ELECTRON_EXEC_PATH=/path/to/electron npm start');
    expect(message).not.toMatch(/\n\s+at /);
    expect(downloadFailedProblem({ version: '45.4.1', timedOutAfter: 2 })).toContain('from github.com did not finish within 2 s');
  });
  it('reads the mirror as @electron/get does: npm config before ELECTRON_MIRROR', () => {
    expect(electronMirror({ ELECTRON_MIRROR: 'http://a/' })).toBe('http://a/');
    expect(electronMirror({ ELECTRON_MIRROR: 'http://a/', npm_config_electron_mirror: 'http://b/' })).toBe('http://b/');
    expect(electronMirror({})).toBeUndefined();
  });
});
