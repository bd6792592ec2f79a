// A button that copies text and says so. The async clipboard needs a secure context (the web
// host on 127.0.0.1 and the desktop app are); elsewhere a hidden textarea does the same job.
import { useState } from 'react';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function CopyButton({ text, label = 'Copy' }: { text: string | (() => string); label?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const onClick = async () => {
    try {
      await copyText(typeof text === 'function' ? text() : text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(null), 1500);
  };
  return (
    <button type="button" className="copy-button" onClick={() => void onClick()}>
      {done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
