// Commands that serve the UI: `serve`, and `demo` (sandbox + scenario workers + flows).
import { Option, type Command } from 'commander';
import { SCENARIO_NAMES, type ScenarioName } from '../../../shared/scenario-names';
import type { Core } from '../../core/create-core';
import { parsePort } from '../cli-options';
import { rendererDir } from '../renderer-dir';
import type { CliContext } from './cli-context';

interface ServeOptions {
  host: string;
  port: number;
  token?: string;
}

function addServeOptions(command: Command): Command {
  return command
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0 picks a free one)').default(0).argParser(parsePort))
    .option('--token <token>', 'access token (default: a new random one)');
}

/** Serves the UI over a core until the process is asked to stop; `before` runs once connected. */
async function serve(cli: CliContext, opts: ServeOptions, before?: (core: Core) => Promise<string[]>): Promise<void> {
  const { startWebHost } = await import('../web-host');
  await cli.withCore(async (core) => {
    const host = await startWebHost({ core, staticDir: rendererDir(), host: opts.host, port: opts.port, token: opts.token, log: cli.serveLogger() });
    try {
      if (opts.host !== '127.0.0.1' && opts.host !== 'localhost') cli.io.err(`warning: serving on ${opts.host}, reachable beyond this machine (token required)\n`);
      // Print the URL once the first connection attempt is over, so what it opens is settled.
      await core.ready;
      const status = core.status();
      const notes = before && status.state === 'connected' ? await before(core) : [];
      if (cli.globals().json) cli.io.out(`${JSON.stringify({ url: host.openUrl, redis: status })}\n`);
      else cli.io.out(`Flowscope is serving at ${host.openUrl}\n`);
      cli.io.err(`redis: ${status.target} (${status.state}${status.message ? `: ${status.message}` : ''})\n`);
      for (const note of notes) cli.io.err(`${note}\n`);
      await cli.io.untilStopped();
    } finally {
      await host.close();
    }
  }, true);
}

export function addServeCommands(program: Command, cli: CliContext): void {
  addServeOptions(program.command('serve').description('the local web host: the Flowscope UI on 127.0.0.1; prints its URL')).action((opts: ServeOptions) =>
    serve(cli, opts),
  );

  addServeOptions(
    program
      .command('demo')
      .description('sandbox Redis (unless --redis) + scenario workers + their flows, served as in `serve`')
      .addOption(new Option('--scenario <name>', 'run only this scenario').choices([...SCENARIO_NAMES])),
  ).action((opts: ServeOptions & { scenario?: ScenarioName }) =>
    serve(cli, opts, async (core) => {
      const names = opts.scenario ? [opts.scenario] : [...SCENARIO_NAMES];
      const notes: string[] = [];
      for (const name of names) {
        const { seeded } = await cli.call(core, 'runScenario', { name });
        notes.push(`scenario ${name}: workers started, ${seeded.length} flow(s) seeded`);
      }
      return notes;
    }),
  );
}
