// Every built-in scenario by name, and their plain-data descriptions for the UI and the CLI.
import { FlowscopeError } from '../../../shared/errors';
import { continueOnFailure } from './continue-on-failure';
import { etlChain } from './etl-chain';
import { failFast } from './fail-fast';
import { fanOutAggregator } from './fan-out-aggregator';
import { llmFanout } from './llm-fanout';
import { orderWorkflow } from './order-workflow';
import { SCENARIO_NAMES, type ScenarioDefinition, type ScenarioInfo, type ScenarioName } from './scenario-types';
import { stuckParent } from './stuck-parent';

export const SCENARIOS: Readonly<Record<ScenarioName, ScenarioDefinition>> = {
  'llm-fanout': llmFanout,
  'fail-fast': failFast,
  'continue-on-failure': continueOnFailure,
  'etl-chain': etlChain,
  'fan-out-aggregator': fanOutAggregator,
  'order-workflow': orderWorkflow,
  'stuck-parent': stuckParent,
};

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

export function getScenario(name: string): ScenarioDefinition {
  if (!isScenarioName(name)) {
    throw new FlowscopeError('NOT_FOUND', `No scenario ${JSON.stringify(name)}; there are: ${SCENARIO_NAMES.join(', ')}.`);
  }
  return SCENARIOS[name];
}

export function describeScenario(def: ScenarioDefinition): ScenarioInfo {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    outcome: def.outcome,
    queues: def.queues.map((q) => ({ ...q })),
    targets: [...def.targets],
    defaults: structuredClone(def.defaults),
  };
}

export function listScenarios(): ScenarioInfo[] {
  return SCENARIO_NAMES.map((name) => describeScenario(SCENARIOS[name]));
}
