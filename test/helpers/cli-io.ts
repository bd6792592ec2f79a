// Runs the CLI in-process with captured stdout/stderr.
import { runCli, type CliIo } from '../../electron/host/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `flowscope args…`. A long-running command (serve, demo) stops when `untilStopped`
 * resolves; `onOut` sees stdout as it is written, so the test can read the printed URL first.
 */
export async function runFlowscope(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  untilStopped?: () => Promise<void>,
  onOut?: (text: string) => void,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => {
      stdout += t;
      onOut?.(t);
    },
    err: (t) => (stderr += t),
    env,
    untilStopped: untilStopped ?? (() => Promise.resolve()),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
