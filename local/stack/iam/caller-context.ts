import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './principals';

/**
 * Who is running: set around a function's invocation, a state machine's step and the endpoint's work,
 * and carried by Node through every promise and timer they start, so an SDK call made deep inside a
 * handler is attributed to that handler's role.
 */
const caller = new AsyncLocalStorage<Principal>();

export function runAs<T>(principal: Principal, work: () => T): T {
  return caller.run(principal, work);
}

export function currentPrincipal(): Principal | undefined {
  return caller.getStore();
}
