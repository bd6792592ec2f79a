// The scenarios panel's data, through the query cache: the catalogue (read once), the running
// scenarios (read on open and after a connection switch, then kept current by the core's
// `scenarioRuns` pushes, which come a few times a second while jobs run and write the cache),
// and the calls that start, change and stop them.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { KnobsPatch, ScenarioInfo, ScenarioName, ScenarioRun, StoppedScenario } from '../../../../shared/scenarios';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { outcomeOf, type Outcome as Answer } from '../../transport/result';

export type { Outcome as Answer } from '../../transport/result';

export interface Scenarios {
  infos: ScenarioInfo[] | null;
  runs: ScenarioRun[];
  loadError: string | null;
  /** What the last switch away from this connection stopped (offered to run again). */
  stopped: StoppedScenario[];
  restartStopped(): Promise<Answer<string[]>>;
  forgetStopped(): Promise<Answer<true>>;
  run(name: ScenarioName, knobs: KnobsPatch): Promise<Answer<string[]>>;
  setKnobs(name: ScenarioName, knobs: KnobsPatch): Promise<Answer<true>>;
  stop(name: ScenarioName): Promise<Answer<true>>;
}

export function useScenarios(): Scenarios {
  const client = useClient();
  const queries = useQueryClient();
  const connectionId = useApp((s) => (s.status?.state === 'connected' ? s.status.connectionId : null));
  const catalogue = useQuery({ queryKey: queryKeys.scenarios, queryFn: () => client.call('listScenarios', {}), staleTime: Infinity });
  // Read on open and after a switch (the connection is in the key); then `scenarioRuns` pushes
  // write the cache (transport/query-cache.ts). A failed read leaves the last list: the next
  // push or switch brings it, and the catalogue's error line covers a dead core.
  const runs = useQuery({ queryKey: [...queryKeys.scenarioRuns], queryFn: () => client.call('listScenarioRuns', {}), enabled: connectionId !== null });
  const stopped = useQuery({
    queryKey: [...queryKeys.stoppedScenarios, connectionId],
    queryFn: () => client.call('listStoppedScenarios', {}),
    enabled: connectionId !== null,
  });
  const lastConnection = useRef(connectionId);
  useEffect(() => {
    // A switch stops the old connection's scenarios; the new one may have some it stopped before.
    if (connectionId === null || connectionId === lastConnection.current) return;
    lastConnection.current = connectionId;
    void queries.invalidateQueries({ queryKey: queryKeys.scenarioRuns });
  }, [connectionId, queries]);

  const attempt = async <T,>(call: () => Promise<T>): Promise<Answer<T>> => {
    const outcome = await outcomeOf(call);
    if (outcome.ok) {
      await Promise.all([
        queries.invalidateQueries({ queryKey: queryKeys.scenarioRuns }),
        queries.invalidateQueries({ queryKey: queryKeys.stoppedScenarios }),
      ]);
    }
    return outcome;
  };

  const infos = catalogue.data ?? null;
  const loadError = catalogue.error ? errorInWords(catalogue.error) : null;
  return {
    infos,
    runs: runs.data ?? [],
    loadError,
    stopped: stopped.data ?? [],
    restartStopped: () => attempt(async () => (await client.call('restartStoppedScenarios', {})).restarted),
    forgetStopped: () =>
      attempt(async () => {
        await client.call('restartStoppedScenarios', { forget: true });
        return true as const;
      }),
    run: (name, knobs) => attempt(async () => (await client.call('runScenario', { name, knobs })).seeded),
    setKnobs: (name, knobs) =>
      attempt(async () => {
        await client.call('setScenarioKnobs', { name, knobs });
        return true as const;
      }),
    stop: (name) =>
      attempt(async () => {
        await client.call('stopScenario', { name });
        return true as const;
      }),
  };
}
