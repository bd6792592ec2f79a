// The scenarios' public face: the registry, the runner, the knobs and the types the contract needs.
export { createScenarioRunner, type ScenarioRun, type ScenarioRunner } from './scenario-runner';
export { SCENARIOS, describeScenario, getScenario, isScenarioName, listScenarios } from './scenario-registry';
export { SCENARIO_NAMES, type ScenarioContext, type ScenarioDefinition, type ScenarioInfo, type ScenarioName, type ScenarioQueue } from './scenario-types';
export { ERROR_KINDS, FAIL_MODES, NO_FAILURE, applyKnobs, knobsPatchSchema, type ErrorKind, type FailMode, type FailureKnob, type Knobs, type KnobsPatch } from './knobs';
export { PROVIDERS, providerCalls, providerQueue, type Provider, type ProviderAnswer } from './mock-provider';
export type { HandledFailure, OrchestratorData, OrchestratorResult } from './llm-orchestrator';
export { seededRandom } from './seeded-random';
