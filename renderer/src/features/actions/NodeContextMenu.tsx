// The right-click menu of a job on the graph: the same actions as the inspector (the repair
// actions on a parent, the everyday ones), judged the same way, plus "Show details". It closes
// on Escape, on a click elsewhere, and when an action opens its confirmation.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../../store/use-app';
import { useFlowController, useJob } from '../flow-view/use-flow';
import { judgeActions, versionReason } from './action-availability';
import { ACTION_KINDS, READ_ONLY_REASON } from './action-kinds';
import { ActionButton } from './ActionButton';
import { useQueueCompat } from './use-queue-compat';
import { useRepairChecks } from './use-repair-checks';

export interface MenuPlace {
  key: string;
  x: number;
  y: number;
}

const EDGE = 8;

export function NodeContextMenu({ place, onClose }: { place: MenuPlace; onClose(): void }) {
  const controller = useFlowController();
  const job = useJob(place.key);
  const readOnly = useApp((s) => s.status?.readOnly ?? false);
  const compat = useQueueCompat(job?.queue);
  const refused = job ? versionReason(job.queue, compat) : null;
  const checks = useRepairChecks(job, readOnly || refused !== null);
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: place.x, top: place.y });

  // Keep the whole menu on screen near the pointer.
  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(EDGE, Math.min(place.x, window.innerWidth - width - EDGE)),
      top: Math.max(EDGE, Math.min(place.y, window.innerHeight - height - EDGE)),
    });
  }, [place.x, place.y]);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!(event.target instanceof Node) || !ref.current?.contains(event.target)) onClose();
    };
    document.addEventListener('pointerdown', onPointer, true);
    return () => document.removeEventListener('pointerdown', onPointer, true);
  }, [onClose]);

  useEffect(() => {
    // The job left the view (removed): nothing to act on any more.
    if (!job) onClose();
  }, [job, onClose]);
  if (!job) return null;

  const judged = judgeActions(job, readOnly, checks, compat);
  const lockedBy = readOnly ? READ_ONLY_REASON : refused;
  const offered = ACTION_KINDS.filter((k) => judged[k].offered);
  return (
    <div
      ref={ref}
      className="context-menu"
      role="group"
      aria-label={`Actions on ${job.name ?? job.key}`}
      data-testid="node-menu"
      data-job-key={job.key}
      style={position}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
      onContextMenu={(event) => event.preventDefault()}
    >
      <div className="context-menu-head">
        <b>{job.name ?? '(no name)'}</b> <span className={`state-pill state-${job.state}`}>{job.state}</span>
      </div>
      {offered.map((kind) => (
        <div key={kind} className="context-menu-item">
          <ActionButton kind={kind} jobKey={job.key} availability={judged[kind]} onOpen={onClose} />
          {!judged[kind].enabled && judged[kind].reason && !lockedBy && <span className="context-menu-reason">{judged[kind].reason}</span>}
        </div>
      ))}
      {lockedBy && offered.length > 0 && <p className="context-menu-reason read-only">{lockedBy}</p>}
      <div className="context-menu-item">
        <button
          type="button"
          onClick={() => {
            controller.select(job.key);
            controller.setInspectorOpen(true);
            onClose();
          }}
        >
          Show details
        </button>
      </div>
    </div>
  );
}
