// "Remove unprocessed children" (SPEC §6) on a parent: preview and real run. The parent's
// `:dependencies` is listed with SSCAN, then handled in batches of remove-unprocessed.lua
// (one atomic script per batch); the preview runs the same script in dry-run mode, so it
// decides with the same code the run uses.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { assertJobKey, queueKeysOf } from './job-key';
import { listBucket } from './list-bucket';
import { asStrings, luaWriteScript, runScript } from './lua-script';
import { readJob } from './read-jobs';
import removeSubtreeLua from './remove-subtree.lua?raw';
import removeUnprocessedLua from './remove-unprocessed.lua?raw';
import queueMetaLua from './queue-meta.lua?raw';
import type { RemoveUnprocessedResult, SkippedJob } from './types';
import { assertCompatible, type ScriptLayouts } from './version-guard';

const REMOVE_UNPROCESSED = luaWriteScript('remove-unprocessed', queueMetaLua, removeSubtreeLua, removeUnprocessedLua);

/** Children per script; each may bring a subtree, so this stays well below the retry batch. */
export const REMOVE_BATCH = 500;
const ACTION = 'Remove unprocessed';

interface BatchReply {
  removed: string[];
  top: string[];
  skipped: SkippedJob[];
  released: boolean;
}

function parseReply(reply: unknown): BatchReply {
  const [removed, top, skipped, released] = Array.isArray(reply) ? reply : [];
  const pairs = asStrings(skipped);
  const out: SkippedJob[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) out.push({ key: pairs[i]!, reason: pairs[i + 1]! });
  return { removed: asStrings(removed), top: asStrings(top), skipped: out, released: released === '1' };
}

/** `layouts` (from the guard) for a real run; a dry run writes nothing and needs none. */
async function run(redis: RedisClient, parentKey: string, layouts: ScriptLayouts | null): Promise<RemoveUnprocessedResult> {
  const dryRun = layouts === null;
  const layoutArg = JSON.stringify(layouts ?? {});
  const parent = await readJob(redis, parentKey);
  if (!parent.exists) throw new FlowscopeError('NOT_FOUND', `No job ${parentKey}.`, { key: parentKey });
  const children = await listBucket(redis, parentKey, 'dependencies');
  const result: RemoveUnprocessedResult = { removed: [], skipped: [], stillBlocking: [], releasesParent: false };
  let topRemoved = 0;
  for (let i = 0; i < children.length; i += REMOVE_BATCH) {
    const batch = children.slice(i, i + REMOVE_BATCH);
    const reply = parseReply(
      await runScript(redis, REMOVE_UNPROCESSED, [parentKey], [dryRun ? '1' : '0', String(Date.now()), layoutArg, ...batch]),
    );
    result.removed.push(...reply.removed);
    result.skipped.push(...reply.skipped);
    topRemoved += reply.top.length;
    if (reply.released) result.releasesParent = true;
  }
  result.stillBlocking = result.skipped.filter((s) => !s.reason.startsWith('no longer pending')).map((s) => s.key);
  if (dryRun) {
    result.releasesParent = parent.state === 'waiting-children' && topRemoved > 0 && topRemoved === children.length;
  }
  return result;
}

async function guardedPreview(redis: RedisClient, prefix: string, parentKey: string) {
  assertJobKey(prefix, parentKey);
  const preview = await run(redis, parentKey, null);
  const layouts = await assertCompatible(redis, queueKeysOf([parentKey, ...preview.removed]), ACTION);
  return { preview, layouts };
}

export async function previewRemoveUnprocessed(redis: RedisClient, prefix: string, parentKey: string): Promise<RemoveUnprocessedResult> {
  return (await guardedPreview(redis, prefix, parentKey)).preview;
}

export async function removeUnprocessed(redis: RedisClient, prefix: string, parentKey: string): Promise<RemoveUnprocessedResult> {
  // The dry run names every queue the run may write; refuse before writing anything.
  const { layouts } = await guardedPreview(redis, prefix, parentKey);
  return run(redis, parentKey, layouts);
}
