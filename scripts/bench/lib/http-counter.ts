import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP reverse proxy that counts the requests passing through it by path (no query), so a
 * benchmark can say how many requests a piece of work cost a server — counted, not assumed —
 * without instrumenting the server. Requests and answers are forwarded unchanged but for the
 * Host header, which names the server (the executor refuses other hosts; the app builds its
 * URLs from PUBLIC_URL, never from Host).
 */
export interface HttpCounter {
  url: string;
  /** Requests since the last reset, by path (as `group` names it), most first. */
  counts(): Array<{ path: string; requests: number }>;
  total(): number;
  /** When each request since the last reset arrived (performance.now(), ms), in order. */
  arrivals(): number[];
  reset(): void;
  close(): Promise<void>;
}

export async function startHttpCounter(
  targetUrl: string,
  listenPort = 0,
  group: (path: string) => string = (path) => path,
): Promise<HttpCounter> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const byPath = new Map<string, number>();
  const arrivals: number[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const path = group((req.url ?? "/").split("?")[0]!);
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    arrivals.push(performance.now());
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, forward);
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => [...byPath].map(([path, requests]) => ({ path, requests })).sort((a, b) => b.requests - a.requests),
    total: () => [...byPath.values()].reduce((a, b) => a + b, 0),
    arrivals: () => [...arrivals],
    reset: () => {
      byPath.clear();
      arrivals.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
