// Arrow keys move the selection through the open flow's tree, Enter opens the inspector,
// Escape closes it (then clears the selection). Keys typed into a field are left alone.
import { useEffect } from 'react';
import type { FlowController } from '../flow-view/flow-store';
import { ARROW_DIRECTIONS, moveSelection } from './tree-navigation';

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Keys pressed in a dialog or a menu belong to it (Escape closes it, not the inspector). */
function inOverlay(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('dialog, .context-menu') !== null;
}

/** Enter on a focused button or link is that control's own; it must not open the inspector too. */
function isControl(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('button, a[href], summary') !== null;
}

export function useTreeKeys(controller: FlowController | null): void {
  useEffect(() => {
    if (!controller) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target) || inOverlay(event.target)) return;
      const state = controller.store.getState();
      if (state.phase !== 'ready') return;
      const direction = ARROW_DIRECTIONS[event.key];
      if (direction) {
        event.preventDefault();
        const move = moveSelection(state, state.selectedKey, direction);
        if (move && 'select' in move) controller.select(move.select, { reveal: true });
        else if (move) controller.descend(move.open);
      } else if (event.key === 'Enter' && state.selectedKey && !isControl(event.target)) {
        event.preventDefault();
        controller.setInspectorOpen(true);
      } else if (event.key === 'Escape') {
        if (state.inspectorOpen) controller.setInspectorOpen(false);
        else controller.select(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller]);
}
