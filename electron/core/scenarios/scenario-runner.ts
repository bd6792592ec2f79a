// Runs scenarios on a worker host: starts the workers of a scenario's queues, seeds its flows,
// changes its knobs while it runs, stops it. Running an already running scenario seeds more
// flows with the merged knobs (restarting any of its workers the host no longer runs). Stopping closes its workers (graceful, then jobs back to wait)
// and its queues; the flows stay in Redis to be inspected and repaired.
import { FlowProducer, Queue, type Processor } from 'bullmq';
import { FlowscopeError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import type { CloseOptions, WorkerHost } from '../workers';
import type { ScenarioRun } from '../../../shared/scenarios';
import { createCallCounter } from './call-counter';
import { applyKnobs, type Knobs } from './knobs';
import { getScenario } from './scenario-registry';
import type { ScenarioContext, ScenarioDefinition, ScenarioName } from './scenario-types';

export type { ScenarioRun } from '../../../shared/scenarios';

export interface ScenarioRunner {
  /** Starts the scenario's workers unless running, seeds its flows; `seeded` are this call's root keys. */
  runScenario(name: string, knobs?: unknown): Promise<{ run: ScenarioRun; seeded: string[] }>;
  /** Changes the knobs of a running scenario; processors see them on their next call. */
  setKnobs(name: string, patch: unknown): Knobs;
  status(name: string): ScenarioRun | null;
  runs(): ScenarioRun[];
  stopScenario(name: string, options?: CloseOptions): Promise<void>;
  stopAll(options?: CloseOptions): Promise<void>;
}

interface ActiveRun {
  def: ScenarioDefinition;
  ctx: ScenarioContext;
  knobs: Knobs;
  roots: string[];
  workerIds: string[];
  processors: Record<string, Processor>;
  startedAt: number;
  closeResources(): Promise<void>;
}

const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createScenarioRunner(host: WorkerHost, options: { log?: Logger } = {}): ScenarioRunner {
  const log = options.log ?? silentLog;
  const active = new Map<ScenarioName, ActiveRun>();
  const starting = new Map<ScenarioName, Promise<ActiveRun>>();

  const describe = (run: ActiveRun): ScenarioRun => ({
    name: run.def.name,
    knobs: structuredClone(run.knobs),
    roots: [...run.roots],
    calls: run.ctx.calls.snapshot(),
    workers: run.workerIds.flatMap((id) => host.get(id) ?? []),
    startedAt: run.startedAt,
  });

  const running = (name: string): ActiveRun => {
    const run = active.get(getScenario(name).name);
    if (!run) throw new FlowscopeError('NOT_FOUND', `Scenario ${name} is not running.`);
    return run;
  };

  async function start(def: ScenarioDefinition, knobs: Knobs): Promise<ActiveRun> {
    const queues = new Map<string, Queue>();
    const flows = new FlowProducer({ connection: host.connection, prefix: host.prefix });
    flows.on('error', (error) => log.warn('scenario flow producer error', { scenario: def.name, error: error.message }));
    const run: ActiveRun = {
      def,
      knobs,
      roots: [],
      workerIds: [],
      processors: {},
      startedAt: Date.now(),
      ctx: {
        name: def.name,
        prefix: host.prefix,
        knobs: () => run.knobs,
        calls: createCallCounter(),
        queue(name) {
          let queue = queues.get(name);
          if (!queue) {
            queue = new Queue(name, { connection: host.connection, prefix: host.prefix });
            queue.on('error', (error) => log.warn('scenario queue error', { scenario: def.name, queue: name, error: error.message }));
            queues.set(name, queue);
          }
          return queue;
        },
        flows,
        log,
        key: (queue, id) => `${host.prefix}:${queue}:${id}`,
      },
      async closeResources() {
        await Promise.allSettled([...[...queues.values()].map((q) => q.close()), flows.close()]);
      },
    };
    run.processors = def.processors(run.ctx);
    try {
      await ensureWorkers(run);
    } catch (error) {
      await stopRun(run);
      throw error;
    }
    return run;
  }

  /** Starts a worker for every queue of the run that has none on the host (first start, or after host.closeAll()). */
  async function ensureWorkers(run: ActiveRun): Promise<void> {
    const live = new Set(run.workerIds.flatMap((id) => host.get(id)?.queue ?? []));
    run.workerIds = run.workerIds.filter((id) => host.get(id));
    for (const q of run.def.queues) {
      if (live.has(q.name)) continue;
      const processor = run.processors[q.name];
      if (!processor) throw new FlowscopeError('INTERNAL', `Scenario ${run.def.name} has no processor for ${q.name}.`);
      const worker = await host.start({ queue: q.name, processor, concurrency: q.concurrency, owner: run.def.name });
      run.workerIds.push(worker.id);
    }
  }

  async function stopRun(run: ActiveRun, opts?: CloseOptions): Promise<void> {
    await Promise.all(
      run.workerIds.map((id) =>
        host.get(id) ? host.stop(id, opts).catch((error: unknown) => log.warn('could not stop a scenario worker', { worker: id, error: String(error) })) : undefined,
      ),
    );
    await run.closeResources();
  }

  return {
    async runScenario(name, patch) {
      const def = getScenario(name);
      let run = active.get(def.name);
      if (run) {
        run.knobs = applyKnobs(run.knobs, patch, def.targets);
        await ensureWorkers(run);
      } else {
        let pending = starting.get(def.name);
        if (!pending) {
          pending = start(def, applyKnobs(def.defaults, patch, def.targets)).finally(() => starting.delete(def.name));
          starting.set(def.name, pending);
          run = await pending;
          active.set(def.name, run);
        } else {
          run = await pending;
          run.knobs = applyKnobs(run.knobs, patch, def.targets);
        }
      }
      const seeded = await def.seed(run.ctx);
      run.roots.push(...seeded);
      log.info('scenario seeded', { scenario: def.name, roots: seeded });
      return { run: describe(run), seeded };
    },

    setKnobs(name, patch) {
      const run = running(name);
      run.knobs = applyKnobs(run.knobs, patch, run.def.targets);
      log.info('scenario knobs changed', { scenario: run.def.name });
      return structuredClone(run.knobs);
    },

    status(name) {
      const run = active.get(getScenario(name).name);
      return run ? describe(run) : null;
    },

    runs: () => [...active.values()].map(describe),

    async stopScenario(name, opts) {
      const run = running(name);
      active.delete(run.def.name);
      await stopRun(run, opts);
      log.info('scenario stopped', { scenario: run.def.name });
    },

    async stopAll(opts) {
      const runs = [...active.values()];
      active.clear();
      await Promise.all(runs.map((run) => stopRun(run, opts)));
    },
  };
}
