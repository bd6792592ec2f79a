// The BullMQ version matrix: every test that proves the reads exact or the actions right runs once
// per entry, with that BullMQ as the writer (FlowProducer, Queue, Worker) and the oracle
// (Job.getState, getDependencies). `bullmq5` is BullMQ 5 installed under an npm alias
// (package.json devDependencies); both are typed as BullMQ 6, and the tests use only what both
// offer.
import { createRequire } from 'node:module';
import * as bullmq6 from 'bullmq';
import * as bullmq5 from 'bullmq5';

export type Bullmq = typeof import('bullmq');

export interface BullmqVersion {
  /** For test names, e.g. `BullMQ 5.81.5`. */
  label: string;
  major: 5 | 6;
  /** The package version, e.g. `5.81.5` (what its Queue writes to meta as `bullmq:5.81.5`). */
  version: string;
  bullmq: Bullmq;
}

const require = createRequire(import.meta.url);
const versionOf = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;

export const BULLMQ_6: BullmqVersion = { label: `BullMQ ${versionOf('bullmq')}`, major: 6, version: versionOf('bullmq'), bullmq: bullmq6 };
export const BULLMQ_5: BullmqVersion = {
  label: `BullMQ ${versionOf('bullmq5')}`,
  major: 5,
  version: versionOf('bullmq5'),
  bullmq: bullmq5 as unknown as Bullmq,
};

/** Both majors, newest first: `describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => …)`. */
export const BULLMQ_VERSIONS: readonly BullmqVersion[] = [BULLMQ_6, BULLMQ_5];
