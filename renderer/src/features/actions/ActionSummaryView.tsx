// A preview or a result on screen: the headline, then each section's jobs (by name where the
// flow in view knows them, always with their key) and the reason for each skip.
import { useFlowController } from '../flow-view/use-flow';
import type { ActionSummary, SummarySection } from './action-summary';

/** Jobs listed per section before "and N more": a preview of 5,000 retries must stay readable. */
const SHOWN = 100;

function Section({ section }: { section: SummarySection }) {
  const jobs = useFlowController().store.getState().jobsByKey;
  const shown = section.items.slice(0, SHOWN);
  return (
    <section className={`action-section tone-${section.tone}`} data-testid="action-section" data-section={section.id}>
      <h3>
        {section.title} <span className="action-count">{section.items.length.toLocaleString('en-US')}</span>
      </h3>
      <ul>
        {shown.map((item) => {
          const job = jobs.get(item.key);
          return (
            <li key={item.key} data-testid="action-item" data-job-key={item.key}>
              {job?.name && <b>{job.name}</b>} <code>{item.key}</code>
              {job && <span className={`state-pill state-${job.state}`}>{job.state}</span>}
              {item.note && <div className="action-note">{item.note}</div>}
            </li>
          );
        })}
      </ul>
      {section.items.length > SHOWN && <p className="muted">…and {(section.items.length - SHOWN).toLocaleString('en-US')} more.</p>}
    </section>
  );
}

export function ActionSummaryView({ summary }: { summary: ActionSummary }) {
  return (
    <div className="action-summary" data-testid="action-summary" data-changes={summary.changes}>
      <p className="action-headline" data-testid="action-headline">
        {summary.headline}
      </p>
      {summary.sections.map((s) => (
        <Section key={s.id} section={s} />
      ))}
      {summary.next && (
        <p className="action-next" data-testid="action-next">
          {summary.next}
        </p>
      )}
    </div>
  );
}
