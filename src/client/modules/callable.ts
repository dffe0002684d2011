// Modules are callable like the Python client's (`client.submission(sid)`) and carry their other methods.
export function callable<F extends (...args: never[]) => unknown, M extends object>(fn: F, methods: M): F & M {
  return Object.assign(fn, methods);
}

/** Path segment: the server routes on raw segments, so only characters that would break the URL are escaped. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
