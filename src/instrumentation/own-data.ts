/**
 * Reading an SDK object's own data property on every traced call, without
 * running a getter and without a property descriptor (a new object per read).
 */
const hasOwn = Object.prototype.hasOwnProperty;
const lookupGetter = (Object.prototype as { __lookupGetter__?: (this: object, key: PropertyKey) => unknown }).__lookupGetter__;

/**
 * The value of `o`'s own data property `name`, or undefined when it has none
 * or it is an accessor. An own property for which no getter is found is data,
 * or a setter alone, which reads as undefined without running anything.
 */
export function ownDataValue(o: object, name: string): unknown {
  if (!hasOwn.call(o, name)) return undefined;
  if (lookupGetter) return lookupGetter.call(o, name) === undefined ? (o as Record<string, unknown>)[name] : undefined;
  // A runtime without __lookupGetter__: the descriptor says.
  const own = Object.getOwnPropertyDescriptor(o, name);
  return own && 'value' in own ? own.value : undefined;
}
