// The scenarios as the core offers them: one worker host and runner on the active connection
// (made on first use, closed when the connection changes or the core closes), the contract
// methods, and a throttled `scenarioRuns` event so counters move on screen while jobs run.
import type { ConnectionSettings } from '../../../shared/redis-url';
import { FlowscopeError } from '../../../shared/errors';
import type { CoreContext } from '../core-context';
import type { Handlers } from '../dispatch';
import { createWorkerHost, type WorkerHost } from '../workers';
import { listScenarios } from './scenario-registry';
import { createScenarioRunner, type ScenarioRunner } from './scenario-runner';

type ScenarioMethods = 'listScenarios' | 'listScenarioRuns' | 'runScenario' | 'setScenarioKnobs' | 'stopScenario' | 'listWorkers';

export interface ScenarioService {
  handlers: Pick<Handlers, ScenarioMethods>;
  /** Stops every scenario and closes every worker (no job left locked). */
  close(): Promise<void>;
}

const EVENT_EVERY_MS = 250;

export function createScenarioService(ctx: CoreContext, connectionSettings: () => ConnectionSettings): ScenarioService {
  let host: WorkerHost | undefined;
  let runner: ScenarioRunner | undefined;
  let timer: NodeJS.Timeout | undefined;

  const pushRuns = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      if (runner) ctx.emit('scenarioRuns', runner.runs());
    }, EVENT_EVERY_MS);
  };

  const ensureRunner = (): ScenarioRunner => {
    if (ctx.readOnly) throw new FlowscopeError('READ_ONLY', 'This connection is read-only: scenarios cannot run on it');
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
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      const [r, h] = [runner, host];
      runner = undefined;
      host = undefined;
      await r?.stopAll();
      await h?.closeAll();
    },
  };
}
