// A `flowscope://flow/<queue>/<jobId>[?connection=…]` link pasted in the job search (what the
// desktop app's Copy link and a ticket give): it opens that flow at once. When it names a saved
// connection other than the one in use, switching is offered rather than done (a switch stops
// the running scenarios), and the flow opens once it is.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { parseDeepLink, type FlowLink } from '../../../../shared/deep-link';
import { useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';

/** The link the search text is, when it is one. */
export function linkOf(search: string): FlowLink | undefined {
  return parseDeepLink(search.trim().replace(/^[<"'`]+|[>"'`]+$/g, ''));
}

export function PastedLink({ search }: { search: string }) {
  const navigation = useNavigationApi();
  const client = useClient();
  const connectionId = useApp((s) => s.status?.connectionId ?? null);
  const link = linkOf(search);
  const elsewhere = link?.connection !== undefined && link.connection !== connectionId;
  // The saved connections' names, for the words (the same query as the connection picker's).
  const connections = useQuery({ queryKey: queryKeys.connections, queryFn: () => client.call('listConnections', {}), enabled: elsewhere });
  const nameOf = (id: string) => connections.data?.connections.find((c) => c.id === id)?.name ?? id;
  const switchTo = useMutation({
    mutationFn: (to: FlowLink) => client.call('useConnection', { id: to.connection! }),
    onSuccess: (_, to) => navigation.navigate({ view: 'flow', queue: to.queue, jobId: to.jobId }),
  });
  const queue = link?.queue;
  const jobId = link?.jobId;
  useEffect(() => {
    if (queue !== undefined && jobId !== undefined && !elsewhere) navigation.navigate({ view: 'flow', queue, jobId });
  }, [navigation, queue, jobId, elsewhere]);
  if (!link || !elsewhere) return null;
  return (
    <div className="notice link-notice" role="status" data-testid="link-other-connection">
      <p>
        This link is for the connection <b>{nameOf(link.connection!)}</b>
        {connectionId ? (
          <>
            ; Flowscope is on <b>{nameOf(connectionId)}</b>
          </>
        ) : null}
        .
      </p>
      <button type="button" disabled={switchTo.isPending} onClick={() => switchTo.mutate(link)}>
        {switchTo.isPending ? 'Switching…' : `Switch to ${nameOf(link.connection!)} and open`}
      </button>
      {switchTo.isError && (
        <p className="problem" role="alert">
          Could not use the connection {nameOf(link.connection!)}: {errorInWords(switchTo.error)}
        </p>
      )}
    </div>
  );
}
