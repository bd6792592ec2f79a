// Types of desktop-launch.js for the tests (the script itself is plain JS: it runs before any build).
export function platformExecutable(platform: string): string;
export type BinaryChoice = { kind: 'found'; path: string; from: string } | { kind: 'bad'; path: string; from: string } | { kind: 'missing' };
export function chooseElectronBinary(
  found: {
    execPath?: string;
    overrideDistPath?: string;
    pathTxt?: string;
    electronDir?: string;
    platform: string;
    version?: string;
    installedVersion?: string;
  },
  exists: (path: string) => boolean,
): BinaryChoice;
export const BUILD_OUTPUTS: string[];
export const BUILD_INPUTS: string[];
export function isBuildStale(newestInput: number, outputs: (number | undefined)[]): boolean;
export function electronArgs(appDir: string, userArgs: string[]): string[];
export function launchEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function downloadTimeoutSeconds(value: string | undefined, fallback?: number): number;
export function downloadReason(stderr: string): string;
export const WAYS_ON: string;
export function cannotStartMessage(problem: string): string;
export function downloadFailedProblem(input: { version: string; reason?: string; timedOutAfter?: number; mirror?: string }): string;
export function electronMirror(env: NodeJS.ProcessEnv): string | undefined;
