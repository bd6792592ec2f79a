// What the IPC fuzzing sends: frame URLs the bridge must refuse, and arguments as the renderer
// could send them — every shape a structured clone carries (IPC arguments are structured
// clones, not JSON), __proto__ keys, deep nesting, huge strings — put through structuredClone.
import { randomArgs, randomValue } from './fuzz';
import type { Rng } from './random';

/** Frame URLs the guard must refuse for the app's renderer (app://renderer/index.html). */
export const FOREIGN_URLS = [
  'app://renderer.evil/index.html',
  'app://user:pw@renderer/index.html',
  'app://renderer/other.html',
  'app://renderer/index.html/../secret.html',
  'app://renderer/%69ndex.html',
  'app://renderer2/index.html',
  'file:///opt/flowscope/out/renderer/index.html',
  'http://127.0.0.1:5173/',
  'https://evil.example/index.html',
  'devtools://devtools/bundled/inspector.html',
  'chrome-extension://abcdef/index.html',
  'about:blank',
  'data:text/html,<script>1</script>',
  'javascript:alert(1)',
  '',
  'app:',
  'not a url',
];

/** A value only a structured clone can carry (IPC arguments are structured clones, not JSON). */
function cloneOnlyValue(r: Rng): unknown {
  switch (r.int(12)) {
    case 0:
      return undefined;
    case 1:
      return r.pick([NaN, Infinity, -Infinity]);
    case 2:
      return BigInt(r.int(1000)) ** 20n;
    case 3:
      return new Date(r.pick([0, 8.64e15, NaN]));
    case 4:
      return new Map<unknown, unknown>([['key', 'bull:q:1'], [1, { depth: 2 }]]);
    case 5:
      return new Set(['queue', 'jobId']);
    case 6:
      return new Uint8Array(r.pick([0, 16, 70_000]));
    case 7:
      return /a+$/gi;
    case 8:
      return new Error('x'.repeat(r.int(200)));
    case 9: {
      const cyclic: Record<string, unknown> = { queue: 'fuzz', jobId: '1' };
      cyclic.self = cyclic;
      cyclic.args = [cyclic];
      return cyclic;
    }
    case 10: {
      const sparse: unknown[] = [];
      sparse[r.pick([5, 100_000])] = 'x';
      return sparse;
    }
    default:
      return new ArrayBuffer(r.int(64));
  }
}

/** Nested `depth` deep, as arrays or objects. */
function nested(depth: number, asArray: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { key: v, depth: i };
  return v;
}

/** Keys that pollute prototypes when an object is merged carelessly (JSON.parse makes them own keys). */
const POLLUTERS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"key":"k","__proto__":{"polluted":"yes","dryRun":false}}',
  '{"queue":"fuzz","jobId":"1","__proto__":{"depth":99,"polluted":"yes"}}',
  '[{"__proto__":{"polluted":"yes"}}]',
];

/** Arguments from a window: mostly hostile shapes, sometimes ones the contract takes. */
export function hostileArgs(r: Rng, method: string, o: { jobKeys: string[]; prefix: string }): unknown {
  switch (r.int(10)) {
    case 0:
      return cloneOnlyValue(r);
    case 1:
      return JSON.parse(r.pick(POLLUTERS));
    case 2:
      return nested(r.pick([50, 500, 1200]), r.bool());
    case 3:
      return { key: 'x'.repeat(r.pick([70_000, 2_000_000])), queue: 'q'.repeat(r.pick([300, 600_000])) };
    case 4:
      return r.string(r.pick([0, 10, 1_000_000]));
    default:
      return r.bool() ? randomValue(r) : randomArgs(r, method, o);
  }
}

/**
 * The arguments after the trip through IPC: what the handler gets (the method first); null
 * when the renderer could not have sent them (the structured clone refuses them).
 */
export function ipcArgs(r: Rng, method: unknown, args: unknown): unknown[] | null {
  const shape = r.int(12);
  const sent = shape === 0 ? [] : shape === 1 ? [method] : shape === 2 ? [method, args, { extra: true }, 'more'] : [method, args];
  try {
    return structuredClone(sent);
  } catch {
    return null;
  }
}
