/** GETs from the viewer's own API; an error answer's message becomes the thrown error's. */
export class NotFound extends Error {}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (res.status === 404) throw new NotFound(body.error ?? 'not found');
  if (!res.ok) throw new Error(body.error ?? `the server answered ${res.status}`);
  return body as T;
}
