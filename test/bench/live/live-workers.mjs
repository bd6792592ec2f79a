// The live-throughput bench's workers, in a process of their own so that the core's CPU time
// (process.cpuUsage in the bench process) is the core's alone. Plain ESM (forked, no TS loader).
//   argv: <connection JSON> <prefix> <queue> <workers> <concurrency>
// On 'go' it starts the workers; it sends { completed: [[jobId, Date.now() at the worker's
// 'completed' event], ...] } once `expect` (from the 'go' message) jobs completed, then exits on 'stop'.
import { Worker } from 'bullmq';

const [connectionJson, prefix, queue, workerCount, concurrency] = process.argv.slice(2);
const connection = JSON.parse(connectionJson);
const workers = [];
const completed = [];
let expected = Infinity;

process.on('message', async (message) => {
  if (message.type === 'go') {
    expected = message.expect;
    for (let i = 0; i < Number(workerCount); i++) {
      const worker = new Worker(queue, async () => null, { connection, prefix, concurrency: Number(concurrency), autorun: true });
      worker.on('completed', (job) => {
        completed.push([job.id, Date.now()]);
        if (completed.length === expected) process.send({ type: 'done', completed });
      });
      workers.push(worker);
    }
    process.send({ type: 'started' });
  } else if (message.type === 'stop') {
    await Promise.all(workers.map((w) => w.close()));
    process.exit(0);
  }
});
process.send({ type: 'ready' });
