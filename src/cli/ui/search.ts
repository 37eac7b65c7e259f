import type { StoredAttributeValue } from '../../store/format';
import { scanSpans, type StoreFile } from '../store-reader';

/**
 * Free-text search over what went in and out of spans (input.value,
 * output.value, the messages), case-insensitive. Lines that do not contain
 * the text at all are not parsed: the line is JSON, so text without quotes,
 * backslashes or control characters appears in it as typed.
 */
const IO_KEY = /^(input|output)\.|^llm\.(input|output)_messages\.|^retrieval\.documents\./;

export async function searchTraceIds(files: StoreFile[], query: string): Promise<Set<string>> {
  const needle = query.toLowerCase();
  const raw = !/["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(needle);
  const ids = new Set<string>();
  await scanSpans({
    files,
    prefilter: raw ? (line) => line.toLowerCase().includes(needle) : undefined,
    onSpan: (span) => {
      if (ids.has(span.traceId)) return;
      for (const key in span.attributes) {
        if (IO_KEY.test(key) && matches(span.attributes[key]!, needle)) {
          ids.add(span.traceId);
          return;
        }
      }
    },
  });
  return ids;
}

function matches(value: StoredAttributeValue, needle: string): boolean {
  return (typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase().includes(needle);
}
