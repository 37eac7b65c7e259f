import { asText } from './encode';

/** A span name OTLP can carry: a string (a number or object would make the backend reject the whole batch), not absurdly long. */
export function spanName(name: unknown): string {
  // Not String(name): a Buffer would put its bytes in the name. The same text as an attribute value would get.
  const text = typeof name === 'string' ? name : asText(name, 1024).text;
  return text.length > 1024 ? `${text.slice(0, 1024)}…` : text;
}
