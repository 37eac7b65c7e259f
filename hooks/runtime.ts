/**
 * Which runtime the agent runs in: the one place that tells Bun from Node.
 * Bun sets process.versions.bun; Node never does.
 */
export function runningOnBun(): boolean {
  return typeof (process.versions as { bun?: string }).bun === 'string';
}
