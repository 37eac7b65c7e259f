import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred } from '../../src/instrumentation/deferred';
import { resetReported } from '../../src/diagnostics/report';

// An integration's per-call code loads at the first call; if it cannot, the
// wrappers call straight through, and the failure is said once.
describe('deferred', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    resetReported();
  });

  it('loads once, at the first get, and hands back the same module', () => {
    const load = vi.fn(() => ({ traced: true }));
    const get = deferred('test.calls', load);
    expect(load).not.toHaveBeenCalled();
    const first = get();
    expect(first).toEqual({ traced: true });
    expect(get()).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a module that fails to load gives undefined, is not retried, and is reported once on stderr', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const load = vi.fn(() => {
      throw new Error('Cannot find module ./calls');
    });
    const get = deferred('test.broken', load);
    expect(get()).toBeUndefined();
    expect(get()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    const lines = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('test.broken'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the app is unaffected');
  });
});
