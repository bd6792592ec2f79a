import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isTrustedSender, RENDERER_CSP } from '../../electron/main/guards';
import { windowOptions } from '../../electron/main/window-options';
import { menuTemplate } from '../../electron/main/app-menu';

const FILE_RENDERER = 'file:///opt/flowscope/out/renderer/index.html';

describe('windowOptions', () => {
  it('isolates the renderer: context isolation, sandbox, no Node integration', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs.preload).toBe('/app/preload.cjs');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.webSecurity).toBe(true);
  });
});

describe('navigation guard', () => {
  it('allows the renderer page itself, with a deep-link hash', () => {
    expect(isAllowedNavigation(`${FILE_RENDERER}#/flow/q/1`, FILE_RENDERER)).toBe(true);
  });
  it('denies other files, remote sites and junk', () => {
    expect(isAllowedNavigation('file:///etc/passwd', FILE_RENDERER)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', FILE_RENDERER)).toBe(false);
    expect(isAllowedNavigation('not a url', FILE_RENDERER)).toBe(false);
  });
  it('in development, allows only the dev server origin', () => {
    expect(isAllowedNavigation('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('trusts only frames showing the renderer', () => {
    expect(isTrustedSender(FILE_RENDERER, FILE_RENDERER)).toBe(true);
    expect(isTrustedSender('https://evil.example/', FILE_RENDERER)).toBe(false);
    expect(isTrustedSender(undefined, FILE_RENDERER)).toBe(false);
  });
});

describe('renderer CSP', () => {
  it('allows only own scripts and no remote connections', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).toContain("connect-src 'self'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|https?:/);
  });
});

describe('menuTemplate', () => {
  it('has a Demo menu whose item runs the demo', () => {
    let ran = 0;
    const template = menuTemplate({ isMac: false, runDemo: () => ran++, newWindow: () => undefined, openLogsFolder: () => undefined });
    const demo = template.find((m) => m.label === 'Demo');
    const item = (demo?.submenu as { label?: string; click?: () => void }[])[0]!;
    expect(item.label).toMatch(/Run demo/);
    item.click!();
    expect(ran).toBe(1);
    expect(template.some((m) => m.role === 'appMenu')).toBe(false);
    expect(menuTemplate({ isMac: true, runDemo: () => undefined, newWindow: () => undefined, openLogsFolder: () => undefined })[0]!.role).toBe('appMenu');
  });
});
