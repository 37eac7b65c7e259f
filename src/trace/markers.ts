/** What a viewer sees in place of a value the user chose to hide (OpenInference's own marker). */
export const REDACTED = '__REDACTED__';

/** Appended to a value cut at CATALYST_MAX_ATTRIBUTE_LENGTH. */
export function truncatedSuffix(removed: number): string {
  return `…[truncated ${removed} chars]`;
}
