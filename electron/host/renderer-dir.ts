// Finds the built renderer: next to the built CLI (out/host -> out/renderer), or from the
// source tree (electron/host -> out/renderer) when run by the tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function rendererDir(): string {
  const candidates = ['../renderer', '../../out/renderer'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}/index.html`)) ?? candidates[0]!;
}
