// Awaiting a core's connection status pushes instead of sleeping: the next `connectionStatus`
// event that matches, and when it came (for "noticed within 2 s" checks).
import type { PushEvent } from '../../shared/contract';
import type { ConnectionStatus } from '../../shared/domain';
import type { Core } from '../../electron/core/create-core';

export function nextStatus(core: Core, predicate: (s: ConnectionStatus) => boolean): Promise<{ status: ConnectionStatus; at: number }> {
  return new Promise((resolve) => {
    const off = core.onEvent((e: PushEvent) => {
      if (e.event === 'connectionStatus' && predicate(e.payload)) {
        off();
        resolve({ status: e.payload, at: Date.now() });
      }
    });
  });
}
