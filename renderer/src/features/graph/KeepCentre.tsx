// When the canvas changes size (the scenarios panel opens under it, the window is resized),
// keeps what was at its centre at its centre, at the same zoom: otherwise React Flow keeps the
// top-left corner and the tree slides under the panel.
import { useReactFlow, useStore as useCanvasStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';

export function KeepCentre() {
  const flow = useReactFlow();
  const width = useCanvasStore((s) => s.width);
  const height = useCanvasStore((s) => s.height);
  const last = useRef<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const before = last.current;
    last.current = { width, height };
    if (!before || before.width === 0 || before.height === 0 || width === 0 || height === 0) return;
    const dx = (width - before.width) / 2;
    const dy = (height - before.height) / 2;
    if (dx === 0 && dy === 0) return;
    const { x, y, zoom } = flow.getViewport();
    void flow.setViewport({ x: x + dx, y: y + dy, zoom });
  }, [flow, width, height]);
  return null;
}
