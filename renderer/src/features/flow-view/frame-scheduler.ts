// When queued live patches are applied: once per animation frame, so a burst of events costs
// one render. A hidden page gets no frames, so it falls back to a slow timer and the backlog
// stays small.
export type ScheduleFrame = (run: () => void) => () => void;

export const scheduleAnimationFrame: ScheduleFrame = (run) => {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
    const timer = setTimeout(run, 250);
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(run);
  return () => cancelAnimationFrame(frame);
};
