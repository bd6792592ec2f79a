// The audit log's answer is bounded (issue 12, item 4): an action on 20,000 children logs 20,000
// changed keys, and listAudit over many such entries would answer them all. Each entry answered
// lists at most MAX_AUDIT_CHANGED_KEYS keys (with changedTotal), and entries stop at about
// MAX_AUDIT_ANSWER_BYTES (the newest always comes). The log file itself keeps everything.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/actions';
import { MAX_AUDIT_ANSWER_BYTES, MAX_AUDIT_CHANGED_KEYS } from '../../../shared/answer-limits';
import { readAudit } from '../../../electron/core/audit/audit-log';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let core: Core;
let dataDir: string;
const KEYS = 20_000;
const ENTRIES = 120;

beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-audit-bounds-'));
  const changed = Array.from({ length: KEYS }, (_, i) => `${redis.prefix}:children:child-${String(i).padStart(8, '0')}`);
  const lines = Array.from({ length: ENTRIES }, (_, n) =>
    JSON.stringify({ time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), connection: 'sandbox', action: 'retryFailedChildren', parent: `p:${n}`, changed, outcome: 'ok' } satisfies AuditEntry),
  );
  writeFileSync(join(dataDir, 'audit.jsonl'), `${lines.join('\n')}\n`);
  core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix: redis.prefix, log: memoryLogger() });
  await core.ready;
}, 60_000);

afterAll(async () => {
  await core.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('listAudit', () => {
  it('answers at most 1,000 changed keys an entry (with changedTotal) and about 4 MiB in all, newest first', async () => {
    const file = join(dataDir, 'audit.jsonl');
    expect(readFileSync(file).length).toBeGreaterThan(80 * 1024 * 1024);
    const answer = await core.dispatch('listAudit', { limit: 10_000 });
    expect(answer.ok).toBe(true);
    const entries = (answer as { result: AuditEntry[] }).result;
    expect(JSON.stringify(entries).length).toBeLessThanOrEqual(MAX_AUDIT_ANSWER_BYTES + 200 * 1024);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.length).toBeLessThan(ENTRIES);
    expect(entries[0]!.parent).toBe(`p:${ENTRIES - 1}`);
    for (const e of entries) {
      expect(e.changed).toHaveLength(MAX_AUDIT_CHANGED_KEYS);
      expect(e.changedTotal).toBe(KEYS);
    }
  });

  it('always answers the newest entry, and entries small enough come whole', async () => {
    const one = await readAudit(join(dataDir, 'audit.jsonl'), { limit: 5, maxBytes: 10 });
    expect(one.map((e) => e.parent)).toEqual([`p:${ENTRIES - 1}`]);
    const whole = await readAudit(join(dataDir, 'audit.jsonl'), { limit: 2, maxChanged: KEYS });
    expect(whole.map((e) => [e.changed.length, e.changedTotal])).toEqual([
      [KEYS, undefined],
      [KEYS, undefined],
    ]);
  });
});
