// An object that stands for one a test file's hooks start later (a core, a host, a harness), so
// a file can name it at the top: `const { core } = coreForFile()`. Reading it before the hook
// has set it throws, naming what was read.
/** An object that stands for the value `get` returns once it is set. */
export function standIn<T extends object>(what: string, get: () => T | undefined): T {
  const value = (): T => {
    const v = get();
    if (v === undefined) throw new Error(`${what} is read before the file's beforeAll started it`);
    return v;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(value(), key),
    has: (_, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(value(), key);
      return d && { ...d, configurable: true };
    },
  });
}
