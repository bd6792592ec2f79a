// The connection URL forms (shared/redis-url.ts): what each form means, what is refused and
// why, and that no form ever shows its passwords.
import { describe, expect, it } from 'vitest';
import { joinRedisPassword, parseRedisUrl, redactRedisUrl, splitRedisPassword } from '../../shared/redis-url';
import { clusterPrefixWarning, hashTagOf } from '../../electron/core/connection/topology';

describe('parseRedisUrl', () => {
  it('reads a standalone URL with user, password and db', () => {
    expect(parseRedisUrl('redis://app:s%40cret@10.0.0.5:6380/3')).toEqual({
      topology: 'single', tls: false, hosts: [{ host: '10.0.0.5', port: 6380 }], username: 'app', password: 's@cret', db: 3,
    });
    expect(parseRedisUrl('rediss://:pw@[::1]')).toMatchObject({ tls: true, hosts: [{ host: '::1', port: 6379 }], password: 'pw', db: 0 });
  });

  it('reads cluster seeds and Sentinel URLs with their master and db', () => {
    expect(parseRedisUrl('redis+cluster://127.0.0.1:7000,127.0.0.1:7001')).toMatchObject({
      topology: 'cluster', hosts: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }],
    });
    expect(parseRedisUrl('rediss+sentinel://u:p@h1,h2:26380/mymaster/2')).toMatchObject({
      topology: 'sentinel', tls: true, hosts: [{ host: 'h1', port: 26379 }, { host: 'h2', port: 26380 }], masterName: 'mymaster', db: 2, username: 'u', password: 'p',
    });
  });

  it('accepts ?password= and ?username= as ioredis does', () => {
    expect(parseRedisUrl('redis://h:6379/?password=hunter2&username=bob')).toMatchObject({ password: 'hunter2', username: 'bob' });
  });

  it.each([
    ['http://h', /Unknown scheme http/],
    ['nonsense', /Not a Redis URL/],
    ['redis://', /names no host/],
    ['redis://a:1,b:2', /Several hosts need redis\+cluster/],
    ['redis://h:99999', /out of range/],
    ['redis://h/x', /not a database number/],
    ['redis+cluster://h:1/1', /only database 0/],
    ['redis+sentinel://h:26379', /names its master/],
    ['redis://h?family=6', /Unknown URL option "family"/],
    ['redis://:%zz@h', /password in the URL is not percent-encoded/],
  ])('refuses %s with a message that says why', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never echoes a password in an error', () => {
    expect(() => parseRedisUrl('redis://:topsecret@h:1/x')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('topsecret') }));
  });
});

describe('redactRedisUrl', () => {
  it.each([
    ['redis://user:hunter2@redis.internal:6380/2', 'redis://user:***@redis.internal:6380/2'],
    ['redis://h:6379/?password=hunter2', 'redis://:***@h:6379'],
    ['redis+sentinel://:pw@h1:26379,h2:26379/m', 'redis+sentinel://:***@h1:26379,h2:26379/m'],
    ['rediss+cluster://a:1,b:2', 'rediss+cluster://a:1,b:2'],
    ['::nonsense', '<invalid url>'],
  ])('%s -> %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
  });
});

describe('passwords kept apart', () => {
  it('splits a password out of any form and puts it back', () => {
    const { url, password } = splitRedisPassword('redis+sentinel://u:p%2Fw@h:26379/m/1');
    expect(url).toBe('redis+sentinel://u@h:26379/m/1');
    expect(password).toBe('p/w');
    expect(parseRedisUrl(joinRedisPassword(url, password))).toMatchObject({ username: 'u', password: 'p/w', masterName: 'm', db: 1 });
  });
});

describe('cluster prefixes', () => {
  it('finds the hash tag Redis Cluster hashes by', () => {
    expect(hashTagOf('{bull}')).toBe('bull');
    expect(hashTagOf('app{x}y')).toBe('x');
    expect(hashTagOf('bull')).toBeNull();
    expect(hashTagOf('{}bull')).toBeNull();
  });

  it('warns only for a cluster prefix without a hash tag', () => {
    const cluster = { kind: 'cluster' as const, masters: 3, nodes: [] };
    expect(clusterPrefixWarning(cluster, 'bull')).toMatch(/needs one \(e\.g\. \{bull\}\)/);
    expect(clusterPrefixWarning(cluster, '{bull}')).toBeUndefined();
    expect(clusterPrefixWarning({ kind: 'standalone', address: 'h:1' }, 'bull')).toBeUndefined();
  });
});
