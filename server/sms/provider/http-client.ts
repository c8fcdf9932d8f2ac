import RequestClient from "twilio/lib/base/RequestClient";
import type Response from "twilio/lib/http/response";
import { z } from "zod";
import { ProviderError } from "./errors";

const TWILIO_HOSTS = new Set(["api.twilio.com", "verify.twilio.com", "lookups.twilio.com"]);

const errorBodySchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
});

/**
 * The SDK's HTTP client with two additions, used in every mode:
 * - failures become ProviderError (the SDK's own exception drops the headers, so
 *   Retry-After would be lost, and it cannot tell "never sent" from "maybe sent");
 * - with a sandbox URL, Twilio's origins are swapped for the sandbox's and nothing else changes.
 */
export class ProviderHttpClient extends RequestClient {
  private readonly sandboxOrigin: string | undefined;

  constructor(options: { sandboxUrl?: string; timeoutMs?: number }) {
    super({ timeout: options.timeoutMs, autoRetry: false });
    this.sandboxOrigin = options.sandboxUrl ? new URL(options.sandboxUrl).origin : undefined;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const uri = this.rewrite(opts.uri);
    const what = `Twilio ${opts.method.toUpperCase()} ${new URL(uri).pathname}`;
    let response: Response<TData>;
    try {
      response = await super.request({ ...opts, uri });
    } catch (error) {
      throw ProviderError.fromFacts(
        {
          networkErrorCode: networkErrorCode(error),
          requestSent: requestWasSent(error),
          idempotent: opts.method === "get",
        },
        `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    if (response.statusCode >= 400) {
      const body = parseErrorBody(response.body);
      throw ProviderError.fromFacts(
        { httpStatus: response.statusCode, code: body.code, retryAfter: headerValue(response.headers, "retry-after") },
        `${what} failed: HTTP ${response.statusCode}${body.code ? ` code ${body.code}` : ""}${body.message ? `: ${body.message}` : ""}`,
      );
    }
    return response;
  }

  private rewrite(uri: string): string {
    if (!this.sandboxOrigin) return uri;
    const url = new URL(uri);
    if (!TWILIO_HOSTS.has(url.hostname)) return uri;
    return `${this.sandboxOrigin}${url.pathname}${url.search}`;
  }
}

function parseErrorBody(body: unknown): { code?: number; message?: string } {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return {};
    }
  }
  const parsed = errorBodySchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}

function headerValue(headers: unknown, name: string): string | null {
  if (!isRecord(headers)) return null;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return typeof value === "string" ? value : null;
}

function networkErrorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === "string" ? error.code : undefined;
}

/** axios keeps the Node ClientRequest on the error; `writableFinished` = the whole request was flushed. */
function requestWasSent(error: unknown): boolean | undefined {
  const request = isRecord(error) ? error.request : undefined;
  if (!isRecord(request)) return undefined;
  const finished = request.writableFinished ?? request.finished;
  return typeof finished === "boolean" ? finished : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
