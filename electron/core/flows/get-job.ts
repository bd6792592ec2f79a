// One job in full, for the inspector: its node (exact state and bucket, as in a tree), its
// data, options, return value, stack trace and log lines. Bad JSON is shown as text with a
// note; a missing job is NOT_FOUND.
import type { RedisClient } from '../connection/redis-client';
import type { JobDetail } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { jobKeyParts, loadTree } from '../tree';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string | null | undefined): { value: unknown; error?: string } {
  if (text === null || text === undefined) return { value: null };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { value: text, error: 'not valid JSON; shown as text' };
  }
}

export async function getJob(redis: RedisClient, prefix: string, key: string, logLines = 100): Promise<JobDetail> {
  const { queue, id } = jobKeyParts(prefix, key);
  const [tree, raw] = await Promise.all([
    loadTree(redis, prefix, queue, id, { depth: 0 }),
    redis
      .pipeline()
      .type(key)
      .hmget(key, 'data', 'opts', 'returnvalue', 'stacktrace')
      .llen(`${key}:logs`)
      .lrange(`${key}:logs`, -Math.max(logLines, 1), -1)
      .exec(),
  ]);
  const node = tree.nodes[0];
  const type = raw?.[0]?.[1];
  if (!node || type === 'none') throw new FlowscopeError('NOT_FOUND', `No job ${key}`);
  if (type !== 'hash') throw new FlowscopeError('NOT_FOUND', `${key} is a ${String(type)}, not a job hash`);

  const [data, opts, returnvalue, stacktrace] = (raw?.[1]?.[1] as (string | null)[] | undefined) ?? [];
  const parsedData = parseJson(data);
  const parsedOpts = parseJson(opts);
  const parsedStack = parseJson(stacktrace);
  const logTotal = Number(raw?.[2]?.[1] ?? 0);
  const lines = logLines > 0 ? ((raw?.[3]?.[1] as string[] | undefined) ?? []) : [];
  return {
    node,
    data: parsedData.value,
    ...(parsedData.error ? { dataError: parsedData.error } : {}),
    opts: isRecord(parsedOpts.value) ? parsedOpts.value : null,
    returnValue: parseJson(returnvalue).value,
    stacktrace: Array.isArray(parsedStack.value) ? parsedStack.value.map(String) : [],
    logs: { total: logTotal, lines },
    rootKey: tree.ancestors[0] ?? key,
  };
}
