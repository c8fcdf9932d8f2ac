import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that counts database round trips from what the client
 * sends: every Sync ('S', the end of an extended-protocol exchange) and every simple Query
 * ('Q') is one trip to the server and back. Each is attributed to the SQL it ran (the Parse of
 * the statement, found again by name for a prepared statement's later Binds), so a benchmark
 * can say which statements a code path costs without touching the app. Plaintext only.
 */
export interface StatementCount {
  sql: string;
  trips: number;
}

export interface PgProxy {
  url: string;
  /** Round trips since the last reset, by statement text. */
  counts(): StatementCount[];
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export async function startPgProxy(targetUrl: string, listenPort = 0): Promise<PgProxy> {
  const target = new URL(targetUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || 5432);
  const bySql = new Map<string, number>();
  const sockets = new Set<Socket>();

  const count = (sql: string) => bySql.set(sql, (bySql.get(sql) ?? 0) + 1);

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    sockets.add(client).add(upstream);
    const statements = new Map<string, string>(); // prepared statement name → SQL, per connection
    let lastSql = "";
    let started = false;
    let buffer = Buffer.alloc(0);

    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]!);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === "P") {
          const [name, sql] = cStrings(body, 2);
          statements.set(name!, sql!);
          lastSql = sql!;
        } else if (type === "B") {
          const [, name] = cStrings(body, 2);
          lastSql = statements.get(name!) ?? lastSql;
        } else if (type === "S") {
          count(lastSql);
        } else if (type === "Q") {
          count(cStrings(body, 1)[0]!);
        }
      }
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });

  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);

  return {
    url: url.toString(),
    counts: () => [...bySql].map(([sql, trips]) => ({ sql, trips })).sort((a, b) => b.trips - a.trips),
    total: () => [...bySql.values()].reduce((a, b) => a + b, 0),
    reset: () => bySql.clear(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first `n` NUL-terminated strings of a message body. */
function cStrings(body: Buffer, n: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = body.indexOf(0, start);
    if (end < 0) break;
    out.push(body.toString("utf8", start, end));
    start = end + 1;
  }
  return out;
}
