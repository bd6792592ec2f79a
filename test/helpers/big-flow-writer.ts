// Writing a wide flow (root -> fan parents -> leaves each) with BullMQ's own FlowProducer, fast:
// one FlowProducer.add of a 100,001-node flow is one MULTI of 100,001 script calls that took
// 19-139 s here (the client builds it whole, Redis runs it whole). Instead the root goes in with
// its first chunk of parents, and the other parents (each with its leaves) are added under it
// with FlowProducer.addBulk, a flow per parent whose opts.parent names the root — BullMQ's own
// way to add children to a parent that waits for children, the same scripts writing the same
// keys (test/integration/big-flow-writer.test.ts compares the two layouts) — several chunks in
// flight at once. The root keeps waiting for children all along: it has some from its first add.
import { FlowProducer, type ConnectionOptions, type FlowJob, type JobNode } from 'bullmq';

export interface BigFlowShape {
  /** Root's queue, and its job id. */
  queue: string;
  id: string;
  /** Queues of the parents and of the leaves. */
  parentQueue: string;
  leafQueue: string;
  fan: number;
  leaves: number;
  /** The root's name (BullMQ's job name), and the names and data of the others, by index. */
  rootName?: string;
  parentName?: (i: number) => string;
  leafName?: (i: number, j: number) => string;
  parentData?: (i: number) => unknown;
  leafData?: (i: number, j: number) => unknown;
  rootData?: unknown;
}

const parentNameOf = (shape: BigFlowShape, i: number) => shape.parentName?.(i) ?? `parent-${i}`;

/** Parent `i` with its leaves, as a FlowJob. */
export function parentFlow(shape: BigFlowShape, i: number): FlowJob {
  return {
    name: parentNameOf(shape, i),
    queueName: shape.parentQueue,
    data: shape.parentData?.(i) ?? { i },
    children: Array.from({ length: shape.leaves }, (_, j) => ({
      name: shape.leafName?.(i, j) ?? `leaf-${i}-${j}`,
      queueName: shape.leafQueue,
      data: shape.leafData?.(i, j) ?? { i, j },
    })),
  };
}

/** The whole flow as one FlowJob: what a single FlowProducer.add would be given. */
export function wholeFlow(shape: BigFlowShape): FlowJob {
  return {
    name: shape.rootName ?? 'root',
    queueName: shape.queue,
    data: shape.rootData ?? {},
    opts: { jobId: shape.id },
    children: Array.from({ length: shape.fan }, (_, i) => parentFlow(shape, i)),
  };
}

export interface WrittenFlow {
  /** `prefix:queue:id` of the root. */
  rootKey: string;
  /** Wall time of the whole write (ms). */
  ms: number;
  /** FlowProducer calls made. */
  calls: number;
}

/**
 * Writes the flow in chunks of `chunk` parents (each parent with its leaves), `inFlight` chunks
 * at a time on one connection each. The nodes, their parents and their order within each
 * parent's dependencies are BullMQ's; only the parents' order across chunks may differ from one
 * big add (sets have no order anyway).
 */
export async function writeBigFlow(
  connection: ConnectionOptions,
  prefix: string,
  shape: BigFlowShape,
  { chunk = 50, inFlight = 2 }: { chunk?: number; inFlight?: number } = {},
): Promise<WrittenFlow> {
  const started = performance.now();
  const producers = Array.from({ length: Math.max(1, inFlight) }, () => new FlowProducer({ connection, prefix }));
  let calls = 0;
  try {
    const first = Math.min(chunk, shape.fan);
    const root: JobNode = await producers[0]!.add({ ...wholeFlow(shape), children: Array.from({ length: first }, (_, i) => parentFlow(shape, i)) });
    calls++;
    const parentOpts = { id: root.job.id!, queue: `${prefix}:${shape.queue}` };
    let next = first;
    await Promise.all(
      producers.map(async (producer) => {
        while (next < shape.fan) {
          const from = next;
          next = Math.min(shape.fan, from + chunk);
          const flows = Array.from({ length: next - from }, (_, k) => {
            const flow = parentFlow(shape, from + k);
            return { ...flow, opts: { ...flow.opts, parent: parentOpts } };
          });
          await producer.addBulk(flows);
          calls++;
        }
      }),
    );
    return { rootKey: `${prefix}:${shape.queue}:${root.job.id!}`, ms: performance.now() - started, calls };
  } finally {
    await Promise.all(producers.map((p) => p.close()));
  }
}
