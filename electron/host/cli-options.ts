// Argument parsers for the CLI: each refuses a bad value with a message commander prints as a
// usage error (exit 2), before anything touches Redis.
import { InvalidArgumentError } from 'commander';
import { parseRedisUrl as parseConnectionUrl, RedisUrlError } from '../../shared/redis-url';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return port;
}

export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export function parseRedisUrl(value: string): string {
  try {
    parseConnectionUrl(value);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new InvalidArgumentError(err.message);
    throw err;
  }
  return value;
}

export function parsePrefix(value: string): string {
  if (value === '' || /\s/.test(value)) throw new InvalidArgumentError('must be a non-empty prefix without spaces');
  return value;
}
