// Commands that only read: queues, flows, tree, audit.
import { Option, type Command } from 'commander';
import type { AuditEntry } from '../../../shared/actions';
import { JOB_STATES, type FlowFilterState } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { intOption } from '../cli-options';
import { formatAudit, formatFlows, formatQueues } from '../format-output';
import { TREE_DEFAULT_DEPTH, TREE_DEFAULT_PAGE_SIZE } from '../../../shared/tree-order';
import { formatTree } from '../format-tree';
import type { CliContext } from './cli-context';

export function addReadCommands(program: Command, cli: CliContext): void {
  program
    .command('queues')
    .description('queues under the prefix with counts per state')
    .action(async () => {
      const queues = await cli.withCore((core) => cli.call(core, 'listQueues', {}));
      cli.print(queues, () => formatQueues(queues));
    });

  program
    .command('flows')
    .description('flow roots and parents waiting for children, newest first')
    .option('--queue <queue>', 'only flows whose root or parent is in this queue')
    .addOption(new Option('--state <state>', 'a job state, or stuck / has-failed-children').choices([...JOB_STATES, 'stuck', 'has-failed-children']))
    .option('--name <text>', 'only jobs whose name contains this text')
    .option('--search <text>', 'find a job by id, full key, queue:id, #id or id prefix (6+ characters), any case (in every queue unless --queue or the text names one)')
    .addOption(new Option('--limit <n>', 'how many to list').default(50).argParser(intOption(1, 500)))
    .action(async (opts: { queue?: string; state?: FlowFilterState; name?: string; search?: string; limit: number }) => {
      const list = await cli.withCore((core) => cli.call(core, 'listFlows', opts));
      cli.print(list, () => formatFlows(list));
    });

  program
    .command('tree')
    .description("the subtree of a job, with every node's state, bucket and policy")
    .argument('<queue>', 'queue of the job')
    .argument('<jobId>', 'job id')
    .addOption(new Option('--depth <n>', 'levels below the job to load').default(TREE_DEFAULT_DEPTH).argParser(intOption(0, 1000)))
    .addOption(new Option('--page-size <n>', 'children shown per bucket of each parent').default(TREE_DEFAULT_PAGE_SIZE).argParser(intOption(1, 10_000)))
    .action(async (queue: string, jobId: string, opts: { depth: number; pageSize: number }) => {
      // exportFlow answers the tree in the printed order, the same JSON the app's Export saves.
      const tree = await cli.withCore((core) => cli.call(core, 'exportFlow', { queue, jobId, depth: opts.depth, pageSize: opts.pageSize }));
      cli.print(tree, () => formatTree(tree));
    });

  program
    .command('audit')
    .description('the local log of actions run (newest first)')
    .addOption(new Option('--limit <n>', 'how many entries').default(50).argParser(intOption(1, 10_000)))
    .action(async (opts: { limit: number }) => {
      // Reading the log needs no Redis: the core answers it from the data folder.
      const entries = await cli.withCore(async (core) => {
        const result = await core.dispatch('listAudit', { limit: opts.limit });
        if (!result.ok) throw FlowscopeError.fromPayload(result.error);
        return result.result as AuditEntry[];
      });
      cli.print(entries, () => formatAudit(entries));
    });
}
