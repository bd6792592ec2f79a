// One test Redis for a whole test file (helpers/redis.ts), started before its first test and
// stopped after its last, in place of the beforeAll/afterAll pair every file wrote:
//   const redis = testRedisForFile();
// The answer stands for the server from the start; read it inside hooks and tests (before the
// file's beforeAll has run, reading it throws).
import { afterAll, beforeAll } from 'vitest';
import { startTestRedis, type TestRedis, type TestRedisOptions } from './redis';

export function testRedisForFile(options: TestRedisOptions = {}): TestRedis {
  let started: TestRedis | undefined;
  beforeAll(async () => {
    started = await startTestRedis(options);
  });
  afterAll(async () => started?.stop());
  const server = (): TestRedis => {
    if (!started) throw new Error('testRedisForFile: the Redis is read before the file\'s beforeAll started it');
    return started;
  };
  return {
    get url() {
      return server().url;
    },
    get pid() {
      return server().pid;
    },
    get prefix() {
      return server().prefix;
    },
    get connection() {
      return server().connection;
    },
    client: () => server().client(),
    stop: () => server().stop(),
  };
}
