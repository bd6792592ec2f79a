// A value once it has stopped changing for `ms`: what a search box, or a node whose children
// finish one by one, is asked about (one call when they settle, not one per change).
import { useEffect, useState } from 'react';

export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
