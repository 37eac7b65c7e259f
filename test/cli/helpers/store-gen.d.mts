import type { StoredSpan } from '../../../src/store/format';

export const AGENT_ID: string;
export const REDACTED: string;
export function truncated(text: string, removed: number): string;
export function hexId(label: string, bytes: number): string;
export function span(fields: Record<string, unknown>): StoredSpan;
export function fixtureFiles(): Array<{ name: string; text: string; mtime: number }>;
export const FIXTURE_IDS: {
  main: string;
  ratelimit: string;
  privacy: string;
  support: string;
  gateway: string;
  span(trace: string, name: string): string;
};
export function writeFixtureStore(dir: string): void;
export function generateLargeStore(dir: string, opts?: { traces?: number; files?: number; now?: number }): { bytes: number; spans: number; traces: number };
