// The Electron security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
// item by item, as far as pure functions and options hold it. docs/DESKTOP-SECURITY.md lists
// each item with the test here (or elsewhere) that holds it, and the items left.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ALLOWED_PERMISSIONS,
  RENDERER_CSP,
  externalUrlToOpen,
  isPermissionAllowed,
  isSecretStorageUsable,
  navigationDecision,
  windowOpenDecision,
  withCsp,
} from '../../electron/main/guards';
import { windowOptions } from '../../electron/main/window-options';
import { APP_RENDERER_URL } from '../../electron/main/app-protocol';
import { METHOD_NAMES } from '../../shared/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_LINK_CHANNEL } from '../../shared/preload-api';

const RENDERER = 'file:///opt/flowscope/out/renderer/index.html';
const APP_RENDERER = APP_RENDERER_URL;
const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!;

// The preload, loaded against a stand-in 'electron' (the real package would fetch its binary).
const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, result: null }));
const on = vi.fn();
const off = vi.fn();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke, on, off },
}));

describe('checklist 1, 13: only the local renderer is loaded; navigation never leaves it', () => {
  it('stays on the renderer (with its deep-link hash), denies everything else', () => {
    expect(navigationDecision(`${RENDERER}#/flow/q/1`, RENDERER)).toEqual({ allow: true });
    for (const url of ['file:///etc/passwd', 'http://example.com/', 'javascript:alert(1)', 'data:text/html,x', 'chrome://settings', 'junk']) {
      expect(navigationDecision(url, RENDERER).allow).toBe(false);
    }
  });
  it('over the app scheme (what the app loads): only app://renderer/index.html, not another file, host or scheme', () => {
    expect(navigationDecision(`${APP_RENDERER}#/flow/q/1`, APP_RENDERER)).toEqual({ allow: true });
    for (const url of ['app://renderer/assets/x.js', 'app://other/index.html', 'app://user:pw@renderer/index.html', 'file:///opt/flowscope/out/renderer/index.html', 'http://renderer/index.html', 'junk']) {
      expect(navigationDecision(url, APP_RENDERER).allow, url).toBe(false);
    }
  });
  it('a safe https link is denied in the app and handed to the browser', () => {
    expect(navigationDecision('https://docs.bullmq.io/guide/flows', RENDERER)).toEqual({ allow: false, openExternal: 'https://docs.bullmq.io/guide/flows' });
  });
});

describe('checklist 2, 3, 4, 6, 8, 9, 10, 11: window options', () => {
  it('no Node integration anywhere in the page (2)', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('context isolation (3) and the renderer sandbox (4)', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    // Every renderer sandboxed, whatever a window asks for: app.enableSandbox() before ready.
    expect(readFileSync('electron/main/index.ts', 'utf8')).toMatch(/^app\.enableSandbox\(\);$/m);
  });
  it('webSecurity on (6), no insecure content (8), no experimental or Blink features (9, 10), no webview (11)', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });
  it('the preload is the only script given Electron access, and it is a local file', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(Object.keys(prefs).filter((k) => /preload/i.test(k))).toEqual(['preload']);
  });
});

describe('checklist 5: permissions', () => {
  it('the renderer may write the clipboard (Copy buttons) and show notifications (watched flows); every other permission, and every other page, is denied', () => {
    expect(ALLOWED_PERMISSIONS).toEqual(['clipboard-sanitized-write', 'notifications']);
    for (const own of [RENDERER, APP_RENDERER, `${APP_RENDERER}#/flow/q/1`]) {
      const page = own.startsWith('app:') ? APP_RENDERER : RENDERER;
      expect(isPermissionAllowed('clipboard-sanitized-write', own, page)).toBe(true);
      expect(isPermissionAllowed('notifications', own, page)).toBe(true);
    }
    for (const permission of ['clipboard-sanitized-write', 'notifications']) {
      for (const other of ['https://evil.example/', 'app://evil/index.html', 'app://renderer/other.html', 'file:///tmp/index.html', undefined]) {
        expect(isPermissionAllowed(permission, other, APP_RENDERER), `${permission} ${other}`).toBe(false);
      }
      expect(isPermissionAllowed(permission, undefined, RENDERER)).toBe(false);
    }
    for (const permission of ['clipboard-read', 'media', 'geolocation', 'openExternal', 'fullscreen', 'hid', 'usb', 'serial', 'pointerLock', 'unknown']) {
      expect(isPermissionAllowed(permission, APP_RENDERER, APP_RENDERER)).toBe(false);
      expect(isPermissionAllowed(permission, RENDERER, RENDERER)).toBe(false);
    }
  });
});

describe('checklist 7: content security policy', () => {
  it('the header policy (what the session serves over http: the dev server) allows only own scripts, no remote anything', () => {
    expect(RENDERER_CSP).toContain("default-src 'self'");
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(withCsp({ 'content-security-policy': ['default-src *'], 'X-Other': ['1'] })).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [RENDERER_CSP] });
  });
  it('the page policy (what file:// gets: the meta tag in renderer/index.html) allows only own scripts, no eval, no plugins', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("object-src 'none'");
    expect(meta).toContain("base-uri 'none'");
    expect(meta).not.toMatch(/unsafe-eval|script-src[^;]*(https?:|\*)/);
  });
});

describe('checklist 14, 15: new windows and shell.openExternal', () => {
  it('the page never opens an app window; only plain https goes to the browser', () => {
    expect(windowOpenDecision('https://github.com/taskforcesh/bullmq')).toEqual({ response: { action: 'deny' }, openExternal: 'https://github.com/taskforcesh/bullmq' });
    for (const url of [RENDERER, 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'https://user:pw@example.com/', 'https://', 'x']) {
      expect(windowOpenDecision(url)).toEqual({ response: { action: 'deny' } });
      expect(externalUrlToOpen(url)).toBeUndefined();
    }
  });

  it('"Open in new window" on a flow: only the app\'s own page with a flow route becomes a new app window, made by the main process', () => {
    expect(windowOpenDecision(`${RENDERER}#/flow/orders/42`, RENDERER)).toEqual({ response: { action: 'deny' }, openAppRoute: '#/flow/orders/42' });
    for (const url of [RENDERER, `${RENDERER}#/settings`, `file:///tmp/evil.html#/flow/orders/42`, 'https://example.com/#/flow/orders/42']) {
      expect(windowOpenDecision(url, RENDERER).openAppRoute).toBeUndefined();
    }
  });
});

describe('checklist 20: the preload exposes the contract, not Electron', () => {
  it('onOpenLink listens on the link channel only and passes on just the queue and job id', async () => {
    await import('../../electron/preload/index');
    on.mockClear();
    off.mockClear();
    const api = exposed.flowscope as { onOpenLink(l: (e: unknown) => void): () => void };
    const seen: unknown[] = [];
    const stop = api.onOpenLink((link) => seen.push(link));
    const [channel, wrapped] = on.mock.calls[0] as [string, (event: unknown, link: unknown) => void];
    expect(channel).toBe(IPC_LINK_CHANNEL);
    wrapped({ sender: 'raw' }, { queue: 'orders', jobId: '42', extra: 'dropped' });
    wrapped({ sender: 'raw' }, { queue: 1, jobId: '42' });
    wrapped({ sender: 'raw' }, null);
    expect(seen).toEqual([{ queue: 'orders', jobId: '42' }]);
    stop();
    expect(off).toHaveBeenCalledWith(IPC_LINK_CHANNEL, wrapped);
  });
  beforeEach(() => {
    invoke.mockClear();
    on.mockClear();
    off.mockClear();
  });
  it('window.flowscope has one function per contract method plus onEvent and onOpenLink, nothing else', async () => {
    await import('../../electron/preload/index');
    const api = exposed.flowscope as Record<string, unknown>;
    expect(Object.keys(exposed)).toEqual(['flowscope']);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'onEvent', 'onOpenLink'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.values(api)).not.toContain(invoke);
  });
  it('a method call is one invoke on the call channel; onEvent listens on the event channel only, without the IPC event', async () => {
    await import('../../electron/preload/index');
    const api = exposed.flowscope as Record<string, (args?: unknown) => unknown> & { onEvent(l: (e: unknown) => void): () => void };
    await api.listQueues!({});
    expect(invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, 'listQueues', {});
    const seen: unknown[] = [];
    const stop = api.onEvent((e) => seen.push(e));
    const [channel, wrapped] = on.mock.calls[0] as [string, (event: unknown, push: unknown) => void];
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    wrapped({ sender: 'the raw IpcRendererEvent' }, { event: 'queues', payload: [] });
    expect(seen).toEqual([{ event: 'queues', payload: [] }]);
    stop();
    expect(off).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, wrapped);
  });
});

describe('saved passwords at rest', () => {
  it('only where safeStorage really encrypts: on Linux, a keyring, not basic_text', () => {
    expect(isSecretStorageUsable(true, 'darwin', undefined)).toBe(true);
    expect(isSecretStorageUsable(true, 'win32', undefined)).toBe(true);
    expect(isSecretStorageUsable(true, 'linux', 'gnome_libsecret')).toBe(true);
    expect(isSecretStorageUsable(true, 'linux', 'kwallet5')).toBe(true);
    expect(isSecretStorageUsable(true, 'linux', 'basic_text')).toBe(false);
    expect(isSecretStorageUsable(true, 'linux', 'unknown')).toBe(false);
    expect(isSecretStorageUsable(false, 'darwin', undefined)).toBe(false);
  });
});
