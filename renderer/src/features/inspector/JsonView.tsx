// A value as highlighted JSON (or raw text), folded when it is long, with a copy button that
// always copies the whole of it.
import { useState } from 'react';
import { CopyButton } from './CopyButton';
import { jsonTokens, prettyJson } from './json-tokens';
import { plural } from '../../words/plural';

const FOLD_LINES = 24;
const FOLD_CHARS = 4000;

export function JsonView({ value, raw, testId }: { value?: unknown; raw?: string; testId?: string }) {
  const text = raw ?? prettyJson(value);
  const lines = text.split('\n');
  const big = lines.length > FOLD_LINES || text.length > FOLD_CHARS;
  const [open, setOpen] = useState(false);
  const shown = big && !open ? lines.slice(0, FOLD_LINES).join('\n').slice(0, FOLD_CHARS) : text;
  return (
    <div className="json-view" data-testid={testId}>
      <pre className="json">
        {raw !== undefined
          ? shown
          : jsonTokens(shown).map((token, i) =>
              token.kind === 'plain' ? token.text : (
                <span key={i} className={`json-${token.kind}`}>
                  {token.text}
                </span>
              ),
            )}
        {big && !open && <span className="muted">{'\n'}…</span>}
      </pre>
      <div className="json-actions">
        <CopyButton text={text} />
        {big && (
          <button type="button" onClick={() => setOpen(!open)}>
            {open ? 'Fold' : `Show all ${plural(lines.length, 'line')}`}
          </button>
        )}
      </div>
    </div>
  );
}
