// The scenarios as the core offers them: one worker host and runner on the active connection
// (made on first use, closed when the connection changes or the core closes), the contract
// methods, and a throttled `scenarioRuns` event so counters move on screen while jobs run.
// What a switch stopped is remembered per connection (its label and prefix), with its knobs,
// so switching back can offer to run those scenarios again.
import type { ConnectionSettings } from '../../../shared/redis-url';
import type { StoppedScenario } from '../../../shared/scenarios';
import { FlowscopeError } from '../../../shared/errors';
import type { CoreContext } from '../core-context';
import type { Handlers } from '../dispatch';
import { createWorkerHost, type WorkerHost } from '../workers';
import { listScenarios } from './scenario-registry';
import { createScenarioRunner, type ScenarioRunner } from './scenario-runner';

type ScenarioMethods =
  | 'listScenarios'
  | 'listScenarioRuns'
  | 'runScenario'
  | 'setScenarioKnobs'
  | 'stopScenario'
  | 'listWorkers'
  | 'listStoppedScenarios'
  | 'restartStoppedScenarios';

export interface ScenarioService {
  handlers: Pick<Handlers, ScenarioMethods>;
  /** Stops every scenario and closes every worker (no job left locked); remembers what ran on this connection. */
  close(): Promise<void>;
}

const EVENT_EVERY_MS = 250;

export function createScenarioService(ctx: CoreContext, connectionSettings: () => ConnectionSettings): ScenarioService {
  let host: WorkerHost | undefined;
  let runner: ScenarioRunner | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Per connection (label and prefix): the scenarios the last switch away from it stopped. */
  const stoppedOn = new Map<string, StoppedScenario[]>();
  const connectionKey = () => `${ctx.prefix}\u0000${ctx.connectionLabel()}`;
  const stoppedHere = () => stoppedOn.get(connectionKey()) ?? [];
  const forget = (names: readonly string[]) => {
    const left = stoppedHere().filter((s) => !names.includes(s.name));
    if (left.length > 0) stoppedOn.set(connectionKey(), left);
    else stoppedOn.delete(connectionKey());
  };

  const pushRuns = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      if (runner) ctx.emit('scenarioRuns', runner.runs());
    }, EVENT_EVERY_MS);
  };

  const ensureRunner = (): ScenarioRunner => {
    // Read-only connections never get here: dispatch refuses runScenario (it changes Redis).
    if (!runner) {
      host = createWorkerHost({ connection: connectionSettings(), prefix: ctx.prefix, log: ctx.log });
      host.onJob(pushRuns);
      runner = createScenarioRunner(host, { log: ctx.log });
    }
    return runner;
  };

  const running = (): ScenarioRunner => {
    if (!runner) throw new FlowscopeError('NOT_FOUND', 'No scenario is running');
    return runner;
  };

  return {
    handlers: {
      listScenarios: () => listScenarios(),
      listScenarioRuns: () => runner?.runs() ?? [],
      runScenario: async ({ name, knobs }) => {
        const result = await ensureRunner().runScenario(name, knobs);
        forget([name]);
        pushRuns();
        return result;
      },
      setScenarioKnobs: ({ name, knobs }) => {
        const result = running().setKnobs(name, knobs);
        pushRuns();
        return result;
      },
      stopScenario: async ({ name }) => {
        if (!runner?.status(name)) return { stopped: false };
        await runner.stopScenario(name);
        pushRuns();
        return { stopped: true };
      },
      listWorkers: () => host?.list() ?? [],
      listStoppedScenarios: () => structuredClone(stoppedHere()),
      restartStoppedScenarios: async ({ names, forget: drop }) => {
        const chosen = stoppedHere().filter((s) => !names || names.includes(s.name));
        if (drop) {
          forget(chosen.map((s) => s.name));
          return { restarted: [], seeded: [] };
        }
        const restarted: StoppedScenario['name'][] = [];
        const seeded: string[] = [];
        for (const stopped of chosen) {
          // The knobs it had are a full patch over the defaults.
          const result = await ensureRunner().runScenario(stopped.name, stopped.knobs);
          forget([stopped.name]);
          restarted.push(stopped.name);
          seeded.push(...result.seeded);
        }
        pushRuns();
        return { restarted, seeded };
      },
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      const runs = runner?.runs() ?? [];
      if (runs.length > 0) {
        const stoppedAt = Date.now();
        stoppedOn.set(
          connectionKey(),
          runs.map((r) => ({ name: r.name, knobs: r.knobs, roots: r.roots.length, stoppedAt })),
        );
      }
      const [r, h] = [runner, host];
      runner = undefined;
      host = undefined;
      await r?.stopAll();
      await h?.closeAll();
    },
  };
}
