// `flowscope audit` in words: one line an entry, naming the flow an entry's job was in.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/actions';
import { formatAudit } from '../../electron/host/format-output';

const entry = (extra: Partial<AuditEntry>): AuditEntry => ({
  time: '2026-12-02T10:00:00.000Z',
  connection: 'sandbox',
  action: 'remove-job',
  parent: 'bull:items:7',
  changed: ['bull:items:7'],
  outcome: 'ok',
  ...extra,
});

describe('formatAudit', () => {
  it('names the flow of a job that is not its root, and not of a root or an old entry without one', () => {
    const lines = formatAudit([
      entry({ rootKey: 'bull:orders:1' }),
      entry({ action: 'retry-failed-children', parent: 'bull:orders:1', rootKey: 'bull:orders:1' }),
      entry({}),
    ]).split('\n');
    expect(lines[0]).toContain('remove-job  bull:items:7  in flow bull:orders:1  (1 changed)  sandbox');
    expect(lines[1]).not.toContain('in flow');
    expect(lines[2]).not.toContain('in flow');
    expect(lines[2]).toContain('bull:items:7  (1 changed)');
  });

  it('says when nothing is recorded', () => {
    expect(formatAudit([])).toBe('No actions recorded yet.');
  });
});
