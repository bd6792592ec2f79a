// Export: the open flow's tree as `flowscope tree --json` prints it (the core's exportFlow, the
// method the CLI's tree calls too), saved as `<queue>-<jobId>.json`.
import type { FlowscopeClient } from '../../../../shared/contract';

export function exportFileName(queue: string, jobId: string): string {
  return `${queue}-${jobId}.json`.replace(/[\\/:*?"<>|\s]+/g, '_');
}

export async function exportFlow(client: FlowscopeClient, queue: string, jobId: string): Promise<void> {
  const tree = await client.call('exportFlow', { queue, jobId });
  const blob = new Blob([`${JSON.stringify(tree, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(queue, jobId);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
