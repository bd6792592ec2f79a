// The loader hook of register.mjs: appends each resolved URL to $FLOWSCOPE_MODULE_LOG.
import { appendFileSync } from 'node:fs';

const logFile = process.env.FLOWSCOPE_MODULE_LOG;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (logFile) appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
}
