// The audit log: append-only JSON lines, newest first when read, no secrets stored, robust
// against a torn line.
import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, readAudit } from '../../../electron/core/audit/audit-log';

const dir = mkdtempSync(join(tmpdir(), 'flowscope-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit log', () => {
  it('appends one JSON line per action and reads the newest first, with a limit', async () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    expect(await readAudit(file)).toEqual([]);
    for (let i = 0; i < 5; i++) {
      await appendAudit(file, {
        time: `2025-01-01T00:00:0${i}.000Z`,
        connection: 'sandbox',
        action: 'retry-failed-children',
        parent: `bull:q:${i}`,
        changed: [`bull:q:c${i}`],
        outcome: i === 3 ? 'refused' : 'ok',
        ...(i === 3 ? { message: 'Parent bull:q:3 is active' } : {}),
      });
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2025-01-01T00:00:00.000Z',
      connection: 'sandbox',
      action: 'retry-failed-children',
      parent: 'bull:q:0',
      changed: ['bull:q:c0'],
      outcome: 'ok',
    });
    const newest = await readAudit(file, { limit: 2 });
    expect(newest.map((e) => e.parent)).toEqual(['bull:q:4', 'bull:q:3']);
    expect(newest[1]).toMatchObject({ outcome: 'refused', message: 'Parent bull:q:3 is active' });
    expect((await readAudit(file)).map((e) => e.parent)).toEqual(['bull:q:4', 'bull:q:3', 'bull:q:2', 'bull:q:1', 'bull:q:0']);
  });

  it('never stores a password, in the connection or in a message', async () => {
    const file = join(dir, 'secrets.jsonl');
    const entry = await appendAudit(file, {
      connection: 'redis://admin:hunter2@db.example:6379/2',
      action: 'remove-unprocessed',
      parent: 'bull:q:1',
      changed: [],
      outcome: 'error',
      message: 'connect ECONNREFUSED rediss://u:hunter2@db.example:6380',
    });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(entry.connection).toBe('redis://admin:***@db.example:6379/2');
    expect(entry.message).toBe('connect ECONNREFUSED rediss://u:***@db.example:6380');
  });

  it('skips a torn or foreign line and reads across chunk boundaries', async () => {
    const file = join(dir, 'big.jsonl');
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 8; i++) {
      await appendAudit(file, { connection: 'sandbox', action: 'a', parent: `p${i}`, changed: [big], outcome: 'ok' });
    }
    appendFileSync(file, '{"torn": \n');
    const all = await readAudit(file);
    expect(all.map((e) => e.parent)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    expect(all.every((e) => e.changed[0] === big)).toBe(true);
  });
});
