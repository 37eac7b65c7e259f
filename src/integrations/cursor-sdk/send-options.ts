/**
 * `send()`'s options as the SDK sees them with our update listener added,
 * without touching the app's object or running its code more often.
 *
 * The SDK reads `onDelta` from the options once and awaits what it returns
 * for each update, so the app's own listener keeps its pace: ours runs first,
 * synchronously, then the app's, whose return value the SDK gets unchanged.
 * A Proxy rather than a copy: copying would read every property (a getter of
 * the app's would run once more than untraced); through the Proxy each read
 * the SDK makes reaches the app's object once, as before.
 */
export type DeltaListener = (args: unknown) => void;

type AnyFn = (...args: any[]) => any;

function combined(listener: DeltaListener, app: unknown): unknown {
  if (app !== undefined && typeof app !== 'function') return app;
  return function onDelta(this: unknown, ...args: unknown[]): unknown {
    try {
      listener(args[0]);
    } catch {
      // ours never throws into the SDK (the listener catches its own faults)
    }
    return app === undefined ? undefined : (app as AnyFn).apply(this, args);
  };
}

export function withDeltaListener(options: unknown, listener: DeltaListener): unknown {
  if (options === undefined) return { onDelta: combined(listener, undefined) };
  if (options === null || typeof options !== 'object') return options;
  const own = Object.getOwnPropertyDescriptor(options, 'onDelta');
  // A frozen or non-configurable onDelta cannot be reported differently through a Proxy: leave it alone.
  if ((own && !own.configurable) || !Object.isExtensible(options)) return options;
  return new Proxy(options, {
    get(target, key) {
      // The app's object as `this`, as untraced: a getter of its own sees no Proxy.
      const value = Reflect.get(target, key);
      return key === 'onDelta' ? combined(listener, value) : value;
    },
    has(target, key) {
      return key === 'onDelta' || Reflect.has(target, key);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      return keys.includes('onDelta') ? keys : [...keys, 'onDelta'];
    },
    getOwnPropertyDescriptor(target, key) {
      if (key !== 'onDelta') return Reflect.getOwnPropertyDescriptor(target, key);
      const d = Reflect.getOwnPropertyDescriptor(target, key);
      if (!d) return { value: combined(listener, undefined), writable: true, enumerable: true, configurable: true };
      if ('value' in d) return { ...d, value: combined(listener, d.value) };
      return d;
    },
  });
}
