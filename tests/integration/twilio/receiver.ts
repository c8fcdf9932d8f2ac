import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the sandbox POSTed to the test (status callback or inbound webhook). */
export interface ReceivedRequest {
  /** Full URL as the sandbox addressed it — what the signature covers. */
  url: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A small local HTTP server standing in for the app's webhook routes. */
export async function startReceiver(respond: (req: ReceivedRequest, index: number) => Reply = () => ({ status: 204 })): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let origin = "";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf-8")));
      const received: ReceivedRequest = { url: origin + (req.url ?? "/"), headers: req.headers, params };
      requests.push(received);
      const reply = respond(received, requests.length - 1);
      res.writeHead(reply.status, { "Content-Type": reply.contentType ?? "text/plain" });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > deadline) {
          throw new Error(`timed out; received: ${JSON.stringify(requests.map((r) => r.params), null, 1)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
