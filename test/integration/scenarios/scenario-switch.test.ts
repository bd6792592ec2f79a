// Switching connection stops the running scenarios (their workers belong to the old Redis);
// the core remembers them, with their knobs, for that connection, so switching back offers
// them again and restartStoppedScenarios runs them with the same knobs, seeding fresh flows on
// that connection (new roots, not the ones the stopped run left, none on the other Redis).
// Real redis-servers.
import { describe, expect, it } from 'vitest';
import type { SavedConnection } from '../../../shared/domain';
import type { ScenarioRun, StoppedScenario } from '../../../shared/scenarios';
import { coreForFile } from '../../helpers/core-per-file';
import { testRedisForFile } from '../../helpers/redis-per-file';

const { redis: first, core } = coreForFile();
const second = testRedisForFile({ own: true });

async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const result = await core.dispatch(method, args);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as T;
}

describe('scenarios across a connection switch', () => {
  it('remembers what a switch stopped, per connection, and runs it again with the same knobs', async () => {
    await call('runScenario', { name: 'stuck-parent', knobs: { latencyMs: 7, flows: 1 } });
    await call('runScenario', { name: 'etl-chain', knobs: { latencyMs: 9, attempts: 2 } });
    expect((await call<ScenarioRun[]>('listScenarioRuns')).map((r) => r.name).sort()).toEqual(['etl-chain', 'stuck-parent']);
    expect(await call<StoppedScenario[]>('listStoppedScenarios')).toEqual([]);

    const other = await call<SavedConnection>('saveConnection', { name: 'Other', url: second.url, prefix: 'bull', readOnly: false });
    await call('useConnection', { id: other.id });
    // Stopped on the way out, and nothing to offer on the other connection.
    expect(await call<ScenarioRun[]>('listScenarioRuns')).toEqual([]);
    expect(await call<StoppedScenario[]>('listStoppedScenarios')).toEqual([]);

    await call('useConnection', { id: 'startup' });
    const stopped = await call<StoppedScenario[]>('listStoppedScenarios');
    expect(stopped.map((s) => s.name).sort()).toEqual(['etl-chain', 'stuck-parent']);
    expect(stopped.find((s) => s.name === 'stuck-parent')).toMatchObject({ roots: 1, knobs: { latencyMs: 7, flows: 1 } });
    expect(await call<ScenarioRun[]>('listScenarioRuns')).toEqual([]);

    // Only the one asked for runs again, with the knobs it had.
    const answer = await call<{ restarted: string[]; seeded: string[] }>('restartStoppedScenarios', { names: ['etl-chain'] });
    expect(answer.restarted).toEqual(['etl-chain']);
    expect(answer.seeded.length).toBeGreaterThan(0);
    const runs = await call<ScenarioRun[]>('listScenarioRuns');
    expect(runs.map((r) => r.name)).toEqual(['etl-chain']);
    expect(runs[0]!.knobs).toMatchObject({ latencyMs: 9, attempts: 2 });
    expect((await call<StoppedScenario[]>('listStoppedScenarios')).map((s) => s.name)).toEqual(['stuck-parent']);

    // Forgetting drops it without running it.
    expect(await call('restartStoppedScenarios', { forget: true })).toEqual({ restarted: [], seeded: [] });
    expect(await call<StoppedScenario[]>('listStoppedScenarios')).toEqual([]);
    expect((await call<ScenarioRun[]>('listScenarioRuns')).map((r) => r.name)).toEqual(['etl-chain']);
    await call('stopScenario', { name: 'etl-chain' });
  });

  it('a restart after switching back seeds fresh flows on that connection, which run', async () => {
    const before = await call<{ run: ScenarioRun; seeded: string[] }>('runScenario', { name: 'stuck-parent', knobs: { flows: 2 } });
    const oldRoots = new Set(before.seeded);
    const other = await call<SavedConnection>('saveConnection', { name: 'Other again', url: second.url, prefix: 'bull', readOnly: false });
    await call('useConnection', { id: other.id });
    await call('useConnection', { id: 'startup' });
    const answer = await call<{ restarted: string[]; seeded: string[] }>('restartStoppedScenarios', {});
    expect(answer.restarted).toEqual(['stuck-parent']);
    expect(answer.seeded).toHaveLength(2);
    expect(answer.seeded.filter((k) => oldRoots.has(k))).toEqual([]);
    // The run holds the fresh roots only, and they are jobs of the first Redis, not the other.
    const [run] = await call<ScenarioRun[]>('listScenarioRuns');
    expect(run!.roots).toEqual(answer.seeded);
    const firstRedis = first.client();
    const otherRedis = second.client();
    try {
      for (const key of answer.seeded) {
        expect(await firstRedis.exists(key), key).toBe(1);
        expect(await otherRedis.exists(key), key).toBe(0);
      }
      // Workers run them: a fresh root soon has a processed child.
      await expect.poll(() => firstRedis.exists(`${answer.seeded[0]}:processed`), { timeout: 20_000 }).toBe(1);
    } finally {
      firstRedis.disconnect();
      otherRedis.disconnect();
      await call('stopScenario', { name: 'stuck-parent' });
    }
  });

  it('refuses an unknown scenario name, changing nothing', async () => {
    const result = await core.dispatch('restartStoppedScenarios', { names: ['nope'] });
    expect(result.ok).toBe(false);
    expect(await call<ScenarioRun[]>('listScenarioRuns')).toEqual([]);
  });
});
