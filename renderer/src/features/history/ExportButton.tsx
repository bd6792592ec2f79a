// Export in the flow's toolbar: downloads `<queue>-<jobId>.json`, the JSON `flowscope tree --json` prints.
import { useMutation } from '@tanstack/react-query';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { exportFileName, exportFlow } from './export-flow';

export function ExportButton({ queue, jobId, disabled }: { queue: string; jobId: string; disabled: boolean }) {
  const client = useClient();
  const save = useMutation({ mutationFn: () => exportFlow(client, queue, jobId) });
  return (
    <>
      <button
        type="button"
        data-testid="export-flow"
        onClick={() => save.mutate()}
        disabled={disabled || save.isPending}
        title={`Save this flow's tree as ${exportFileName(queue, jobId)}: the JSON \`flowscope tree --json\` prints`}
      >
        {save.isPending ? 'Exporting…' : 'Export'}
      </button>
      {save.error && (
        <span className="problem-inline" role="alert">
          Export failed: {errorInWords(save.error)}
        </span>
      )}
    </>
  );
}
