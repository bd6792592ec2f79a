// Commands that change Redis: the two repair actions and the everyday ones. Each has a
// --dry-run that answers in the same shape as the real run; a refusal exits 3.
import type { Command } from 'commander';
import { formatRemoveJob, formatRemoveUnprocessed, formatRetry } from '../format-actions';
import type { CliContext } from './cli-context';

export function addActionCommands(program: Command, cli: CliContext): void {
  program
    .command('retry-failed-children')
    .description('retry only the failed children of a parent, reopening it (and its ancestors) so it aggregates every result')
    .argument('<queue>', 'queue of the parent')
    .argument('<jobId>', 'id of the parent')
    .option('--dry-run', 'say what would change, change nothing', false)
    .option('--keep-attempts', 'keep the attempts already made instead of resetting them', false)
    .option('--include-superseded', 'also retry failed children a newer child of the same name replaced', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean; keepAttempts: boolean; includeSuperseded: boolean }) => {
      const result = await cli.withCore((core) =>
        cli.call(core, 'retryFailedChildren', { parentKey: cli.jobKey(queue, jobId), ...opts }),
      );
      cli.print(result, () => formatRetry(result, opts.dryRun));
    });

  program
    .command('remove-unprocessed')
    .description("remove a parent's children that have not started (with their subtrees)")
    .argument('<queue>', 'queue of the parent')
    .argument('<jobId>', 'id of the parent')
    .option('--dry-run', 'say what would change, change nothing', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'removeUnprocessed', { parentKey: cli.jobKey(queue, jobId), dryRun: opts.dryRun }));
      cli.print(result, () => formatRemoveUnprocessed(result, opts.dryRun));
    });

  program
    .command('retry-job')
    .description('retry one failed job (its parent is reopened when it already moved on)')
    .argument('<queue>')
    .argument('<jobId>')
    .option('--dry-run', 'say what would change, change nothing', false)
    .option('--keep-attempts', 'keep the attempts already made', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean; keepAttempts: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'retryJob', { key: cli.jobKey(queue, jobId), ...opts }));
      cli.print(result, () => formatRetry(result, opts.dryRun));
    });

  program
    .command('remove-job')
    .description('remove one job with its whole subtree')
    .argument('<queue>')
    .argument('<jobId>')
    .option('--dry-run', 'say what would be removed, remove nothing', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'removeJob', { key: cli.jobKey(queue, jobId), dryRun: opts.dryRun }));
      cli.print(result, () => formatRemoveJob(result, opts.dryRun));
    });

  program
    .command('promote')
    .description('move a delayed job to wait now')
    .argument('<queue>')
    .argument('<jobId>')
    .action(async (queue: string, jobId: string) => {
      const result = await cli.withCore((core) => cli.call(core, 'promoteJob', { key: cli.jobKey(queue, jobId) }));
      cli.print(result, () => `promoted ${result.promoted} to ${result.state}`);
    });
}
