// Mock LLM providers for the llm-fanout scenario: each call is counted per provider, takes the
// knobs' latency and fails as the knobs say (a provider "rate limit" that BullMQ retries, or
// an "invalid API key" that is unrecoverable); answers are deterministic for a seed and prompt.
import type { ScenarioContext } from './scenario-types';
import { leafWork } from './leaf-work';
import { seededRandom } from './seeded-random';

export const PROVIDERS = ['openai', 'anthropic', 'mistral'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PROVIDER_MODELS: Record<Provider, string> = {
  openai: 'gpt-mock-4o',
  anthropic: 'claude-mock-sonnet',
  mistral: 'mistral-mock-large',
};

/** The words of an unrecoverable provider failure; the orchestrator gives up at once on them. */
export const FATAL_PROVIDER_ERROR = 'invalid API key';

export interface ProviderQuery {
  prompt: string;
  model: string;
}

export interface ProviderAnswer {
  provider: Provider;
  model: string;
  answer: string;
  tokensUsed: number;
  /** Which call of this provider produced it (1 = the first). */
  call: number;
}

/** The queue a provider's children run on. */
export function providerQueue(provider: Provider): string {
  return `llm-${provider}`;
}

/** The provider whose queue holds `jobKey` (`P:llm-<provider>:id`), or null. */
export function providerOfKey(prefix: string, jobKey: string): Provider | null {
  return PROVIDERS.find((p) => jobKey.startsWith(`${prefix}:${providerQueue(p)}:`)) ?? null;
}

export function isProviderAnswer(value: unknown): value is ProviderAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.provider === 'string' && (PROVIDERS as readonly string[]).includes(v.provider) && typeof v.answer === 'string';
}

/** Calls of each provider from a run's call counts (`ScenarioRun.calls`), 0 for one never called. */
export function providerCalls(calls: Readonly<Record<string, number>>): Record<Provider, number> {
  return { openai: calls.openai ?? 0, anthropic: calls.anthropic ?? 0, mistral: calls.mistral ?? 0 };
}

export async function callMockProvider(
  ctx: ScenarioContext,
  provider: Provider,
  query: ProviderQuery,
  signal: AbortSignal | undefined,
): Promise<ProviderAnswer> {
  const call = await leafWork(ctx, provider, signal, {
    words: { retryable: 'rate limit exceeded (429)', unrecoverable: `${FATAL_PROVIDER_ERROR} (401)` },
  });
  const r = seededRandom(ctx.knobs().seed, 'answer', provider, query.prompt);
  return {
    provider,
    model: query.model,
    answer: `${provider} on "${query.prompt}": answer #${Math.floor(r * 1000)}`,
    tokensUsed: 100 + Math.floor(r * 900),
    call,
  };
}
