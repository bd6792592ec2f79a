// The scenario service loaded on first use: the scenarios and the worker host bring BullMQ
// (and its msgpackr, luxon, cron-parser…), which only a scenario run needs. Until a scenario
// method is called nothing of it is loaded, and the two listings that only report what runs
// (runs, workers) answer "nothing" without loading it.
import type { ConnectionSettings } from '../../../shared/redis-url';
import type { CoreContext } from '../core-context';
import type { ScenarioService } from './scenario-service';

type ScenarioHandlers = ScenarioService['handlers'];

export function lazyScenarioService(ctx: CoreContext, connectionSettings: () => ConnectionSettings): ScenarioService {
  let loading: Promise<ScenarioService> | undefined;
  const load = () => (loading ??= import('./scenario-service').then((m) => m.createScenarioService(ctx, connectionSettings)));
  const loaded = async () => (loading ? await loading : undefined);

  const handlers: ScenarioHandlers = {
    listScenarios: async (args, call) => (await load()).handlers.listScenarios(args, call),
    runScenario: async (args, call) => (await load()).handlers.runScenario(args, call),
    setScenarioKnobs: async (args, call) => (await load()).handlers.setScenarioKnobs(args, call),
    stopScenario: async (args, call) => (await load()).handlers.stopScenario(args, call),
    listScenarioRuns: async (args, call) => (await loaded())?.handlers.listScenarioRuns(args, call) ?? [],
    listWorkers: async (args, call) => (await loaded())?.handlers.listWorkers(args, call) ?? [],
    listStoppedScenarios: async (args, call) => (await loaded())?.handlers.listStoppedScenarios(args, call) ?? [],
    restartStoppedScenarios: async (args, call) => (await load()).handlers.restartStoppedScenarios(args, call),
  };

  return {
    handlers,
    async close() {
      await (await loaded())?.close();
    },
  };
}
