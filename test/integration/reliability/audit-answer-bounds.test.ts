// The audit log's answer is bounded (issue 12, item 4): an action on 20,000 children logs 20,000
// changed keys, and listAudit over many such entries would answer them all. Each entry answered
// lists at most MAX_AUDIT_CHANGED_KEYS keys (with changedTotal), and entries stop at about
// MAX_AUDIT_ANSWER_BYTES (the newest always comes). The log file itself keeps everything.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/actions';
import { MAX_AUDIT_ANSWER_BYTES, MAX_AUDIT_CHANGED_KEYS } from '../../../shared/answer-limits';
import { readAudit } from '../../../electron/core/audit/audit-log';
import { coreForFile } from '../../helpers/core-per-file';

const KEYS = 20_000;
const ENTRIES = 120;

// The audit log the core finds at start: ENTRIES entries of KEYS changed keys each.
const setup = coreForFile({
  timeoutMs: 60_000,
  before({ redis, dataDir }) {
    const changed = Array.from({ length: KEYS }, (_, i) => `${redis.prefix}:children:child-${String(i).padStart(8, '0')}`);
    const lines = Array.from({ length: ENTRIES }, (_, n) =>
      JSON.stringify({ time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), connection: 'sandbox', action: 'retryFailedChildren', parent: `p:${n}`, changed, outcome: 'ok' } satisfies AuditEntry),
    );
    writeFileSync(join(dataDir, 'audit.jsonl'), `${lines.join('\n')}\n`);
  },
});
const { core } = setup;

describe('listAudit', () => {
  it('answers at most 1,000 changed keys an entry (with changedTotal) and about 4 MiB in all, newest first', async () => {
    const file = join(setup.dataDir, 'audit.jsonl');
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
    const one = await readAudit(join(setup.dataDir, 'audit.jsonl'), { limit: 5, maxBytes: 10 });
    expect(one.map((e) => e.parent)).toEqual([`p:${ENTRIES - 1}`]);
    const whole = await readAudit(join(setup.dataDir, 'audit.jsonl'), { limit: 2, maxChanged: KEYS });
    expect(whole.map((e) => [e.changed.length, e.changedTotal])).toEqual([
      [KEYS, undefined],
      [KEYS, undefined],
    ]);
  });
});
