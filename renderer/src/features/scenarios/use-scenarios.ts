// The scenarios panel's data: the catalogue (read once), the running scenarios (read on open
// and after a connection switch, then kept current by the core's `scenarioRuns` pushes, which
// come a few times a second while jobs run), and the calls that start, change and stop them.
import { useCallback, useEffect, useState } from 'react';
import type { KnobsPatch, ScenarioInfo, ScenarioName, ScenarioRun, StoppedScenario } from '../../../../shared/scenarios';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import type { Outcome as Answer } from '../../transport/result';

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
  const connectionId = useApp((s) => (s.status?.state === 'connected' ? s.status.connectionId : null));
  const [infos, setInfos] = useState<ScenarioInfo[] | null>(null);
  const [runs, setRuns] = useState<ScenarioRun[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [stopped, setStopped] = useState<StoppedScenario[]>([]);

  useEffect(() => {
    let stale = false;
    client
      .call('listScenarios', {})
      .then((list) => !stale && setInfos(list))
      .catch((err: unknown) => !stale && setLoadError(errorInWords(err)));
    return () => {
      stale = true;
    };
  }, [client]);

  const refreshRuns = useCallback(async () => {
    try {
      const [running, left] = await Promise.all([client.call('listScenarioRuns', {}), client.call('listStoppedScenarios', {})]);
      setRuns(running);
      setStopped(left);
    } catch {
      // The next push or switch brings them; the catalogue's error line covers a dead core.
    }
  }, [client]);

  useEffect(() => {
    // A switch stops the old connection's scenarios; the new one may have some it stopped before.
    if (connectionId !== null) void refreshRuns();
  }, [connectionId, refreshRuns]);

  useEffect(
    () =>
      client.onEvent((push) => {
        if (push.event === 'scenarioRuns') setRuns(push.payload);
      }),
    [client],
  );

  const attempt = async <T,>(call: () => Promise<T>): Promise<Answer<T>> => {
    try {
      const value = await call();
      await refreshRuns();
      return { ok: true, value };
    } catch (err) {
      return { ok: false, message: errorInWords(err) };
    }
  };

  return {
    infos,
    runs,
    loadError,
    stopped,
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
