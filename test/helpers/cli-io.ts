// Runs the CLI in-process with captured stdout/stderr.
import { runCli, type CliIo } from '../../electron/host/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runFlowscope(args: string[], env: NodeJS.ProcessEnv = {}, untilStopped?: () => Promise<void>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env,
    untilStopped: untilStopped ?? (() => Promise.resolve()),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
