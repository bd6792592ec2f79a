// Defaults and limits shared by loadTree and loadChildrenPage, and the one way both read a
// caller's numbers (never trusting them to be whole, finite or in range).

/** Levels below the root, like FlowProducer.getFlow's default. */
export const DEFAULT_DEPTH = 10;
/** Children listed per bucket per parent. */
export const DEFAULT_PAGE_SIZE = 200;
/** A page is listed in one script call: this keeps that call short. */
export const MAX_PAGE_SIZE = 10_000;
/** Nodes in one answer: bounds the memory a view costs. */
export const DEFAULT_MAX_NODES = 50_000;

/** `value` as a whole number >= min (Infinity -> MAX_SAFE_INTEGER), `fallback` when absent or NaN. */
export function wholeNumber(value: number | undefined, fallback: number, min: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  if (value === Infinity) return Number.MAX_SAFE_INTEGER;
  return Math.max(min, Math.floor(value));
}

export function pageSizeOf(value: number | undefined): number {
  return Math.min(MAX_PAGE_SIZE, wholeNumber(value, DEFAULT_PAGE_SIZE, 1));
}
