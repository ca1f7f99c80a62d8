/** The running development hub the scenario scripts drive (GTH_URL, default http://127.0.0.1:8080), and a JSON call to it. */
export const hub = process.env.GTH_URL ?? 'http://127.0.0.1:8080';

/** GET without a body, POST with one; the answer's JSON, or an Error naming the refusal's code. */
export async function call<T>(path: string, token: string | undefined, body?: unknown): Promise<T> {
  const response = await fetch(`${hub}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const json = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${json.error?.code ?? ''} ${json.error?.message ?? ''}`);
  return json;
}
