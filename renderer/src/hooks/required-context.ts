// A React context that a part of the tree must provide: the context, and a hook that returns its
// value or throws, naming the context, when a component is used outside its provider.
import { createContext, useContext, type Context } from 'react';

export function requiredContext<T>(name: string): readonly [Context<T | null>, () => T] {
  const context = createContext<T | null>(null);
  context.displayName = name;
  const useRequired = (): T => {
    const value = useContext(context);
    if (value === null) throw new Error(`${name} is missing`);
    return value;
  };
  return [context, useRequired] as const;
}
