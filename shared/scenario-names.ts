// The scenario names alone, without the knobs schema (and zod): what the CLI needs to list
// `demo --scenario` choices before it has loaded anything else. shared/scenarios.ts re-exports them.
export const SCENARIO_NAMES = [
  'llm-fanout',
  'fail-fast',
  'continue-on-failure',
  'etl-chain',
  'fan-out-aggregator',
  'order-workflow',
  'stuck-parent',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
