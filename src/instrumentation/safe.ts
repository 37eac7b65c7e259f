import { reportInternalError } from '../diagnostics/report';

/**
 * Runs tracing-side work and swallows its failure, so a bug in a mapper or an
 * unexpected provider shape can never reach the host app.
 */
export function safely<T>(where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    reportInternalError(where, error);
    return undefined;
  }
}
