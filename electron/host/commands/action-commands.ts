// Commands that change Redis: the two repair actions and the everyday ones. Each has a
// --dry-run that answers in the same shape as the real run; a refusal exits 3.
import type { Command } from 'commander';
import { formatRemoveJob, formatRemoveUnprocessed, formatRetry } from '../format-actions';
import type { CliContext } from './cli-context';

const DRY_RUN = 'say what would change, change nothing';

/** A command on one job, `<queue> <jobId>`, with a --dry-run when `dryRun` says what it does. */
function jobCommand(program: Command, name: string, description: string, job: 'the parent' | 'the job', dryRun?: string): Command {
  const command = program
    .command(name)
    .description(description)
    .argument('<queue>', `queue of ${job}`)
    .argument('<jobId>', `id of ${job}`);
  return dryRun ? command.option('--dry-run', dryRun, false) : command;
}

export function addActionCommands(program: Command, cli: CliContext): void {
  jobCommand(
    program,
    'retry-failed-children',
    'retry only the failed children of a parent, reopening it (and its ancestors) so it aggregates every result',
    'the parent',
    DRY_RUN,
  )
    .option('--keep-attempts', 'keep the attempts already made instead of resetting them', false)
    .option('--include-superseded', 'also retry failed children a newer child of the same name replaced', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean; keepAttempts: boolean; includeSuperseded: boolean }) => {
      const result = await cli.withCore((core) =>
        cli.call(core, 'retryFailedChildren', { parentKey: cli.jobKey(queue, jobId), ...opts }),
      );
      cli.print(result, () => formatRetry(result, opts.dryRun));
    });

  jobCommand(program, 'remove-unprocessed', "remove a parent's children that have not started (with their subtrees)", 'the parent', DRY_RUN).action(
    async (queue: string, jobId: string, opts: { dryRun: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'removeUnprocessed', { parentKey: cli.jobKey(queue, jobId), dryRun: opts.dryRun }));
      cli.print(result, () => formatRemoveUnprocessed(result, opts.dryRun));
    },
  );

  jobCommand(program, 'retry-job', 'retry one failed job (its parent is reopened when it already moved on)', 'the job', DRY_RUN)
    .option('--keep-attempts', 'keep the attempts already made', false)
    .action(async (queue: string, jobId: string, opts: { dryRun: boolean; keepAttempts: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'retryJob', { key: cli.jobKey(queue, jobId), ...opts }));
      cli.print(result, () => formatRetry(result, opts.dryRun));
    });

  jobCommand(program, 'remove-job', 'remove one job with its whole subtree', 'the job', 'say what would be removed, remove nothing').action(
    async (queue: string, jobId: string, opts: { dryRun: boolean }) => {
      const result = await cli.withCore((core) => cli.call(core, 'removeJob', { key: cli.jobKey(queue, jobId), dryRun: opts.dryRun }));
      cli.print(result, () => formatRemoveJob(result, opts.dryRun));
    },
  );

  jobCommand(program, 'promote', 'move a delayed job to wait now', 'the job').action(async (queue: string, jobId: string) => {
    const result = await cli.withCore((core) => cli.call(core, 'promoteJob', { key: cli.jobKey(queue, jobId) }));
    cli.print(result, () => `promoted ${result.promoted} to ${result.state}`);
  });
}
