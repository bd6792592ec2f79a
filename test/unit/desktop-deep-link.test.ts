// flowscope:// deep links: the strict parser, the argv pick, the main process's routing (with
// Electron injected), the preload's channel and the renderer following a link.
import { describe, expect, it, vi } from 'vitest';
import {
  deepLinkFromArgv,
  formatDeepLink,
  LOCAL_CONNECTION_IDS,
  linkRoute,
  MAX_DEEP_LINK_LENGTH,
  parseDeepLink,
  shareableDeepLink,
  type FlowLink,
} from '../../shared/deep-link';
import { createDeepLinkRouter, protocolClientArgs, type DeepLinkDeps } from '../../electron/main/deep-link-router';
import { SANDBOX_ID } from '../../electron/core/connection/saved-connections';
import { STARTUP_ID } from '../../electron/core/connection/connection-handlers';
import { followDesktopLinks } from '../../renderer/src/navigation/desktop-links';
import { formatRoute, parseRoute } from '../../renderer/src/navigation/route';

describe('parseDeepLink', () => {
  it('reads a flow link, with its encoded names and an optional saved connection', () => {
    expect(parseDeepLink('flowscope://flow/orders/42')).toEqual({ queue: 'orders', jobId: '42' });
    expect(parseDeepLink('flowscope://flow/orders/42/')).toEqual({ queue: 'orders', jobId: '42' });
    expect(parseDeepLink('FlowScope://flow/my%20queue/a%3Ab%3Ac')).toEqual({ queue: 'my queue', jobId: 'a:b:c' });
    expect(parseDeepLink('flowscope://flow/orders/42?connection=0f6c1e2a-9d2b-4f3e-8a1b-2c3d4e5f6a7b')).toEqual({
      queue: 'orders',
      jobId: '42',
      connection: '0f6c1e2a-9d2b-4f3e-8a1b-2c3d4e5f6a7b',
    });
  });

  it('rejects other schemes, hosts and shapes', () => {
    for (const text of [
      'https://flow/orders/42',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'flowscope:flow/orders/42',
      'flowscope://flows/orders/42',
      'flowscope://evil.example/orders/42',
      'flowscope://flow/orders',
      'flowscope://flow/orders/42/extra',
      'flowscope://flow//42',
      'flowscope://flow/orders/42#x',
      'flowscope://user:pw@flow/orders/42',
      ' flowscope://flow/orders/42',
      '',
    ]) {
      expect(parseDeepLink(text), text).toBeUndefined();
    }
    expect(parseDeepLink(42)).toBeUndefined();
    expect(parseDeepLink(undefined)).toBeUndefined();
  });

  it('rejects path traversal, slashes, control characters and bad escapes in the names', () => {
    for (const text of [
      'flowscope://flow/../42',
      'flowscope://flow/orders/..',
      'flowscope://flow/%2E%2E/42',
      'flowscope://flow/orders/.',
      'flowscope://flow/a%2Fb/42',
      'flowscope://flow/a%5Cb/42',
      'flowscope://flow/orders/4%002',
      'flowscope://flow/orders/4%0A2',
      'flowscope://flow/orders/%E0%A4%A',
      'flowscope://flow/orders/%',
    ]) {
      expect(parseDeepLink(text), text).toBeUndefined();
    }
  });

  it('rejects unknown, repeated or malformed parameters and connection ids', () => {
    for (const query of ['x=1', 'connection=', 'connection', 'connection=a&connection=b', 'connection=a&x=1', 'connection=a=b', 'connection=..%2F', 'connection=a%20b', `connection=${'a'.repeat(65)}`]) {
      expect(parseDeepLink(`flowscope://flow/orders/42?${query}`), query).toBeUndefined();
    }
  });

  it('rejects overlong links and names', () => {
    expect(parseDeepLink(`flowscope://flow/orders/${'1'.repeat(MAX_DEEP_LINK_LENGTH)}`)).toBeUndefined();
    expect(parseDeepLink(`flowscope://flow/${'q'.repeat(513)}/1`)).toBeUndefined();
    expect(parseDeepLink(`flowscope://flow/${'q'.repeat(512)}/1`)).toEqual({ queue: 'q'.repeat(512), jobId: '1' });
  });

  it('formatDeepLink and parseDeepLink round-trip names with spaces, colons and unicode', () => {
    const links: FlowLink[] = [
      { queue: 'orders', jobId: '42' },
      { queue: 'my queue', jobId: 'a:b', connection: 'abc-123' },
      { queue: 'fähre', jobId: '🚀?&#=' },
    ];
    for (const link of links) expect(parseDeepLink(formatDeepLink(link))).toEqual(link);
  });
});

describe('shareableDeepLink (Copy app link)', () => {
  it('names a saved connection, never the sandbox or the start-up connection', () => {
    expect(LOCAL_CONNECTION_IDS).toEqual([SANDBOX_ID, STARTUP_ID]);
    expect(shareableDeepLink('orders', '42', 'abc-123')).toBe('flowscope://flow/orders/42?connection=abc-123');
    expect(shareableDeepLink('orders', '42', SANDBOX_ID)).toBe('flowscope://flow/orders/42');
    expect(shareableDeepLink('orders', '42', STARTUP_ID)).toBe('flowscope://flow/orders/42');
    expect(shareableDeepLink('a b', 'x/y', undefined)).toBe('flowscope://flow/a%20b/x%2Fy');
  });
});

describe('linkRoute', () => {
  it('is the renderer route of the same flow (formatRoute), which parseRoute reads back', () => {
    for (const link of [{ queue: 'orders', jobId: '42' }, { queue: 'my queue', jobId: 'a:b:c' }]) {
      expect(linkRoute(link)).toBe(formatRoute({ view: 'flow', ...link }));
      expect(parseRoute(linkRoute(link))).toEqual({ view: 'flow', ...link });
    }
  });
});

describe('deepLinkFromArgv', () => {
  it('finds the link among the arguments Windows and Linux pass (second-instance, first launch)', () => {
    expect(deepLinkFromArgv(['/opt/Flowscope/flowscope', '--no-sandbox', 'flowscope://flow/orders/42'])).toEqual({ queue: 'orders', jobId: '42' });
    expect(deepLinkFromArgv(['C:\\Flowscope.exe', '--', 'FLOWSCOPE://flow/q/1?connection=abc'])).toEqual({ queue: 'q', jobId: '1', connection: 'abc' });
  });
  it('ignores malformed links and anything that is not one', () => {
    expect(deepLinkFromArgv(['/opt/Flowscope/flowscope'])).toBeUndefined();
    expect(deepLinkFromArgv(['app', 'flowscope://flow/../etc', 'https://flow/q/1', '--flowscope://flow/q/1'])).toBeUndefined();
    expect(deepLinkFromArgv(['app', 'flowscope://flow/q/1', 'flowscope://flow/bad'])).toEqual({ queue: 'q', jobId: '1' });
    expect(deepLinkFromArgv([])).toBeUndefined();
  });
});

function fakeDeps(over: Partial<DeepLinkDeps> = {}) {
  const shown: { queue: string; jobId: string }[] = [];
  const opened: string[] = [];
  const problems: string[] = [];
  const switched: string[] = [];
  let current = 'sandbox';
  let hasWindow = true;
  const deps: DeepLinkDeps = {
    currentConnection: () => current,
    useConnection: async (id) => {
      switched.push(id);
      if (id === 'missing') return { ok: false, message: 'No saved connection missing' };
      current = id;
      return { ok: true };
    },
    targetWindow: () => (hasWindow ? { showLink: (link) => shown.push(link) } : undefined),
    openWindow: (route) => opened.push(route),
    problem: (message) => problems.push(message),
    ...over,
  };
  return { deps, shown, opened, problems, switched, noWindow: () => (hasWindow = false) };
}

/** A router on fake deps, past ready() (no link held from launch). */
async function readyRouter() {
  const f = fakeDeps();
  const router = createDeepLinkRouter(f.deps);
  await router.ready();
  return { f, router };
}

describe('createDeepLinkRouter', () => {
  it('holds a link that arrives before the app is ready and follows it then (first launch)', async () => {
    const f = fakeDeps();
    const router = createDeepLinkRouter(f.deps);
    expect(await router.openFromArgv(['app', 'flowscope://flow/orders/42'])).toBe(true);
    expect(f.shown).toEqual([]);
    expect(await router.ready()).toBe(true);
    expect(f.shown).toEqual([{ queue: 'orders', jobId: '42' }]);
    expect(await router.ready()).toBe(false);
  });

  it('ready() with nothing waiting answers false (the app opens its usual window)', async () => {
    const router = createDeepLinkRouter(fakeDeps().deps);
    expect(await router.openFromArgv(['app', '--inspect'])).toBe(false);
    expect(await router.ready()).toBe(false);
  });

  it('routes a link to the focused window, or opens a window on its route when there is none', async () => {
    const { f, router } = await readyRouter();
    await router.openUrl('flowscope://flow/orders/42');
    expect(f.shown).toEqual([{ queue: 'orders', jobId: '42' }]);
    f.noWindow();
    await router.openUrl('flowscope://flow/my%20q/7');
    expect(f.opened).toEqual(['#/flow/my%20q/7']);
  });

  it('switches to the link\'s saved connection first, only when it is not the current one', async () => {
    const { f, router } = await readyRouter();
    await router.openUrl('flowscope://flow/orders/42?connection=abc');
    await router.openUrl('flowscope://flow/orders/43?connection=abc');
    expect(f.switched).toEqual(['abc']);
    expect(f.shown).toEqual([
      { queue: 'orders', jobId: '42' },
      { queue: 'orders', jobId: '43' },
    ]);
  });

  it('a connection that cannot be used is reported and the link not followed', async () => {
    const { f, router } = await readyRouter();
    await router.openUrl('flowscope://flow/orders/42?connection=missing');
    expect(f.shown).toEqual([]);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toContain('"missing"');
    expect(f.problems[0]).toContain('No saved connection missing');
  });

  it('a malformed open-url link is reported, changes nothing', async () => {
    const { f, router } = await readyRouter();
    await router.openUrl('flowscope://flow/../../etc/passwd');
    await router.openUrl('https://evil.example/');
    expect(f.problems).toHaveLength(2);
    expect(f.shown).toEqual([]);
    expect(f.opened).toEqual([]);
    expect(f.switched).toEqual([]);
  });
});

describe('protocolClientArgs (app.setAsDefaultProtocolClient)', () => {
  const resolve = (p: string) => `/abs/${p}`;
  it('a packaged app registers flowscope:// for itself', () => {
    expect(protocolClientArgs(false, '/opt/Flowscope/flowscope', ['/opt/Flowscope/flowscope'], resolve, true, {})).toEqual({ scheme: 'flowscope' });
  });
  it('a development run registers only when asked, with the entry script', () => {
    expect(protocolClientArgs(true, '/x/electron', ['/x/electron', 'out/main/index.js'], resolve, false, {})).toBeUndefined();
    expect(protocolClientArgs(true, '/x/electron', ['/x/electron', 'out/main/index.js'], resolve, false, { FLOWSCOPE_REGISTER_PROTOCOL: '1' })).toEqual({
      scheme: 'flowscope',
      path: '/x/electron',
      args: ['/abs/out/main/index.js'],
    });
  });
});

describe('the renderer follows a routed link', () => {
  it('goes to the flow route (as a link from outside), ignores junk; the web host has nothing to follow', () => {
    let listener: ((link: { queue: string; jobId: string }) => void) | undefined;
    const stop = vi.fn();
    const win = { location: { hash: '#/' } } as unknown as Pick<Window, 'location'>;
    const unsubscribe = followDesktopLinks(
      {
        onOpenLink: (l) => {
          listener = l;
          return stop;
        },
      },
      win,
    );
    listener!({ queue: 'my q', jobId: '42' });
    expect(win.location.hash).toBe('#/flow/my%20q/42');
    listener!({ queue: '', jobId: '1' } as never);
    listener!({ queue: 5, jobId: '1' } as never);
    expect(win.location.hash).toBe('#/flow/my%20q/42');
    unsubscribe();
    expect(stop).toHaveBeenCalled();
    expect(followDesktopLinks(undefined, win)()).toBeUndefined();
  });
});
