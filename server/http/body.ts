/**
 * Request bodies are read with a bound, before anything parses them: a declared
 * Content-Length over the bound is refused unread, and a chunked body is counted as it
 * arrives and abandoned as soon as it passes the bound.
 */
export type BoundedBody = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false };

export async function readBodyWithin(req: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) return { ok: false };
  if (!req.body) return { ok: true, bytes: new Uint8Array() };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: new Uint8Array(Buffer.concat(chunks)) };
}

/**
 * 413 for a body over its bound. `Connection: close` because the rest of that body may still
 * be on its way: the client must not send its next request down the same connection (it would
 * queue behind bytes nobody reads, and the connection would be reset).
 */
export function payloadTooLarge(maxBytes: number, contentType: "json" | "text" = "json"): Response {
  const message = `The request body is too large: at most ${Math.floor(maxBytes / 1024)} KiB is accepted here.`;
  const headers = { connection: "close" };
  return contentType === "json"
    ? Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message } }, { status: 413, headers })
    : new Response(message, { status: 413, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
}

/** The same request with a body already read (the original's stream can be read only once). */
export function withBody(req: Request, bytes: Uint8Array<ArrayBuffer> | null, headers: Headers = req.headers): Request {
  const hasBody = bytes !== null && req.method !== "GET" && req.method !== "HEAD";
  return new Request(req.url, { method: req.method, headers, body: hasBody ? bytes : undefined, signal: req.signal });
}
