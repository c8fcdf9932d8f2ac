import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient";
import type Response from "twilio/lib/http/response";

/**
 * The plain SDK pointed at the sandbox: only the origin changes, so errors come back
 * as the SDK's own RestException and responses go through the SDK's own parsing.
 */
class SandboxRequestClient extends RequestClient {
  constructor(private readonly sandboxUrl: string) {
    super({ autoRetry: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.sandboxUrl}${url.pathname}${url.search}` });
  }
}

export function rawSdkClient(sandboxUrl: string, username: string, password: string, accountSid?: string) {
  return twilio(username, password, { accountSid, httpClient: new SandboxRequestClient(sandboxUrl) });
}
