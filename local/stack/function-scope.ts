import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Each function's own environment for handlers that run in this process. In Lambda every function has
 * its own process.env; here they share one, so while the local stack runs, process.env is a view that,
 * inside a function's call (and everything that call starts), answers the function-owned names from that
 * function's environment only: a variable its definition does not give it is absent, as in the cloud.
 * Other names (the local overrides, PATH, ...) and code outside any call see the process's variables.
 */
const current = new AsyncLocalStorage<Readonly<Record<string, string>>>();

let installed: { real: NodeJS.ProcessEnv; owned: ReadonlySet<string> } | undefined;

/**
 * Makes process.env the scoped view; `owned` are the names that belong to functions. Returns the
 * function that puts the plain process.env back.
 */
export function installFunctionScopes(owned: Iterable<string>): () => void {
  if (installed) throw new Error('function scopes are already installed');
  const real = process.env;
  const names = new Set(owned);
  installed = { real, owned: names };
  const scoped = (name: string | symbol): Readonly<Record<string, string>> | undefined =>
    typeof name === 'string' && names.has(name) ? current.getStore() : undefined;
  process.env = new Proxy(real, {
    get: (target, name) => {
      const own = scoped(name);
      return own ? own[name as string] : Reflect.get(target, name);
    },
    has: (target, name) => {
      const own = scoped(name);
      return own ? Object.hasOwn(own, name) : Reflect.has(target, name);
    },
    getOwnPropertyDescriptor: (target, name) => {
      const own = scoped(name);
      if (!own) return Reflect.getOwnPropertyDescriptor(target, name);
      const value = own[name as string];
      return value === undefined
        ? undefined
        : { value, writable: true, enumerable: true, configurable: true };
    },
    ownKeys: (target) => {
      const own = current.getStore();
      if (!own) return Reflect.ownKeys(target);
      return [...Reflect.ownKeys(target).filter((k) => !names.has(k as string)), ...Object.keys(own)];
    },
  });
  return () => {
    process.env = real;
    installed = undefined;
  };
}

/** Runs `work` (and whatever it starts) as a call of the function whose environment is `environment`. */
export function inFunctionScope<T>(environment: Readonly<Record<string, string>>, work: () => T): T {
  if (installed) {
    const foreign = Object.keys(environment).filter((name) => !installed!.owned.has(name));
    if (foreign.length > 0) throw new Error(`not function-owned variables: ${foreign.join(', ')}`);
  }
  return current.run(environment, work);
}
