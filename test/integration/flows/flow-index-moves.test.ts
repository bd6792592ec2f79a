// A long-lived core's flow list (flows/flow-index.ts) follows a root through its states: listed
// while it waits for its children, while it waits for a worker and runs, and once it completed.
// (A demo's orchestrator root vanished from the list once it left waiting-children.)
import { FlowProducer, Queue, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { FlowList } from '../../../shared/domain';
import { closeAfterAll, coreForFile } from '../../helpers/core-per-file';
import { waitFor } from '../../helpers/topologies';

const { redis, core } = coreForFile();
const closing = closeAfterAll();

async function listed(): Promise<string[]> {
  const result = await core.dispatch('listFlows', {});
  if (!result.ok) throw new Error(result.error.message);
  return (result.result as FlowList).flows.map((f) => `${f.key}:${f.state}`);
}

describe('the flow list of a long-lived core', () => {
  it('keeps a root listed through waiting-children, wait, active and completed', async () => {
    const { connection, prefix } = redis;
    const flows = new FlowProducer({ connection, prefix });
    closing(() => flows.close());
    // Plain jobs finish around it, as in a demo.
    const plain = new Queue('fim-plain', { connection, prefix });
    closing(() => plain.close());
    const { job } = await flows.add({ name: 'root', queueName: 'fim-root', children: [{ name: 'kid', queueName: 'fim-kids' }] });
    const key = `${prefix}:fim-root:${job.id}`;
    expect(await listed()).toContain(`${key}:waiting-children`);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const kids = new Worker('fim-kids', async () => 'ok', { connection, prefix });
    const roots = new Worker('fim-root', async () => held.then(() => 'done'), { connection, prefix });
    const plainWorker = new Worker('fim-plain', async () => 'plain', { connection, prefix });
    closing(() => kids.close(), () => roots.close(), () => plainWorker.close());
    await waitFor('the root listed while it runs', async () => (await listed()).includes(`${key}:active`));
    for (let i = 0; i < 20; i++) await plain.add('p', {});
    release();
    await waitFor('the root completes', async () => (await job.getState()) === 'completed');
    await waitFor('the completed root listed', async () => (await listed()).includes(`${key}:completed`));
  });
});
