// Scenario order-workflow (seed 003): one order as a deep tree over many queues:
// validation, payment, inventory and shipping steps under fulfilment and confirmation. The
// critical path carries failParentOnFailure (a failure deep down fails the order); shipping
// is ignoreDependencyOnFailure (the order is confirmed without a quote). The seed's
// "diamond" (one payment job under two parents) cannot exist in BullMQ: a job has one parent.
import { flowSpec, seedFlows, type FlowSpec } from './flow-builder';
import type { ScenarioDefinition } from './scenario-types';
import { stepsOn } from './step-processor';
import { scenarioDefaults } from './knobs';

// A test seam: exported for test/integration/scenarios/order-workflow.test.ts.
export const ORDER_QUEUES = {
  confirmation: 'order-confirmation',
  fulfillment: 'order-fulfillment',
  inventory: 'order-inventory',
  payment: 'order-payment',
  validation: 'order-validation',
  itemValidation: 'order-item-validation',
  customerValidation: 'order-customer-validation',
  shipping: 'order-shipping',
  carrier: 'order-carrier',
} as const;
const Q = ORDER_QUEUES;

function orderTree(orderId: string): FlowSpec {
  const data = { orderId };
  return flowSpec('send-confirmation', Q.confirmation, 'none', [
    flowSpec('fulfill-order', Q.fulfillment, 'fail-parent', [
      flowSpec('reserve-inventory', Q.inventory, 'fail-parent', [
        flowSpec('process-payment', Q.payment, 'fail-parent', [
          flowSpec('validate-order', Q.validation, 'fail-parent', [
            flowSpec('validate-items', Q.itemValidation, 'fail-parent', undefined, data),
            flowSpec('validate-customer', Q.customerValidation, 'fail-parent', undefined, data),
          ], data),
        ], data),
      ], data),
      flowSpec('prepare-shipping', Q.shipping, 'ignore', [flowSpec('quote-carrier', Q.carrier, 'fail-parent', undefined, data)], data),
    ], data),
  ], data);
}

export const orderWorkflow: ScenarioDefinition = {
  name: 'order-workflow',
  title: 'Order workflow (deep tree, many queues)',
  description:
    'An order as a 6-level tree over 9 queues: validate items and customer, validate the order, take payment, reserve inventory, ' +
    'prepare shipping, fulfil, confirm.',
  outcome:
    'Nothing fails by default: the leaves run first, each level completes after its children, send-confirmation completes last. ' +
    'A failing validation fails every step up to the root; a failing carrier quote only fails prepare-shipping (ignored).',
  queues: Object.values(Q).map((name) => ({ name, concurrency: 3 })),
  targets: [
    'validate-items',
    'validate-customer',
    'validate-order',
    'process-payment',
    'reserve-inventory',
    'quote-carrier',
    'prepare-shipping',
    'fulfill-order',
    'send-confirmation',
  ],
  defaults: scenarioDefaults({ seed: 4, latencyMs: 300, flows: 2 }),
  processors: (ctx) => stepsOn(ctx, Object.values(Q)),
  seed: (ctx) => seedFlows(ctx, (i) => [orderTree(`order-${1001 + i}`)]),
};
