// Contract methods about connections: the list (sandbox, the one given at start, saved ones),
// save / remove / test, and switching the active one.
import { join } from 'node:path';
import type { SavedConnection } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import type { Handlers } from '../dispatch';
import type { ActiveConnection, ConnectionTarget } from './active-connection';
import { redactRedisUrl, type ConnectionSettings } from '../../../shared/redis-url';
import { SANDBOX_ID, createSavedConnections, type SecretStore } from './saved-connections';
import { testConnection } from './test-connection';

export const STARTUP_ID = 'startup';

export interface ConnectionChoices {
  /** The connection to open first: the one given at start, else the sandbox. */
  initial: ConnectionTarget;
  handlers: Pick<Handlers, 'listConnections' | 'saveConnection' | 'removeConnection' | 'testConnection' | 'useConnection'>;
}

export function connectionChoices(
  active: ActiveConnection,
  options: { dataDir: string; secrets?: SecretStore; startup?: ConnectionSettings; prefix: string; readOnly: boolean; onSwitch(): Promise<void> },
): ConnectionChoices {
  const saved = createSavedConnections({ file: join(options.dataDir, 'connections.json'), secrets: options.secrets });
  const sandbox: SavedConnection = { id: SANDBOX_ID, name: 'Sandbox', url: 'embedded redis-server', prefix: options.prefix, readOnly: options.readOnly, kind: 'sandbox', hasPassword: false };
  const given = options.startup;
  const startup: SavedConnection | null = given
    ? {
        id: STARTUP_ID,
        name: 'Given at start',
        url: redactRedisUrl(given.url),
        prefix: options.prefix,
        readOnly: options.readOnly,
        kind: 'url',
        hasPassword: false,
        ...(given.tlsCaFile ? { tlsCaFile: given.tlsCaFile } : {}),
      }
    : null;

  const targetOf = (id: string): ConnectionTarget => {
    if (id === SANDBOX_ID) return { id, kind: 'sandbox', prefix: options.prefix, readOnly: options.readOnly };
    if (id === STARTUP_ID && given) return { id, kind: 'url', settings: given, prefix: options.prefix, readOnly: options.readOnly };
    const c = saved.get(id);
    return { id, kind: 'url', settings: saved.settingsOf(id), prefix: c.prefix, readOnly: c.readOnly };
  };

  return {
    initial: targetOf(given ? STARTUP_ID : SANDBOX_ID),
    handlers: {
      listConnections: () => ({
        activeId: active.target().id,
        connections: [sandbox, ...(startup ? [startup] : []), ...saved.list()],
        persisted: Boolean(options.secrets),
      }),
      saveConnection: (input) => {
        if (input.id === STARTUP_ID) throw new FlowscopeError('BAD_REQUEST', 'The connection given at start cannot be edited; save a new one');
        return saved.save(input);
      },
      removeConnection: async ({ id }) => {
        if (id === SANDBOX_ID || id === STARTUP_ID) throw new FlowscopeError('BAD_REQUEST', `The ${id} connection cannot be removed`);
        if (active.target().id === id) throw new FlowscopeError('REFUSED', 'This connection is in use: switch to another one first');
        return { removed: saved.remove(id) };
      },
      testConnection: async (input) => {
        if ('id' in input) {
          const target = targetOf(input.id);
          if (target.kind === 'sandbox') return { ok: true, message: 'The sandbox starts its own redis-server when used' };
          return testConnection(target.settings!, target.prefix);
        }
        const { prefix, ...settings } = input;
        return testConnection(settings, prefix);
      },
      useConnection: async ({ id }) => {
        const target = targetOf(id);
        await options.onSwitch();
        await active.open(target);
        return active.status();
      },
    },
  };
}
