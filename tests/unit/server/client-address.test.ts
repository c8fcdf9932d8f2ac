import { describe, expect, it } from "vitest";
import { clientAddress } from "@/server/http/client-address";

const headers = (forwardedFor?: string) => new Headers(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor });

describe("the client address: TRUST_PROXY counts proxies, right-most X-Forwarded-For convention", () => {
  it("believes nothing with no proxy, whatever the client sent", () => {
    expect(clientAddress(headers("203.0.113.7"), 0)).toBeNull();
  });
  it("with one proxy, the right-most entry (the one it appended) is the client", () => {
    expect(clientAddress(headers("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
  });
  it("with two proxies, the second from the right", () => {
    expect(clientAddress(headers("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
  });
  it("believes nothing when there are fewer entries than proxies, or the entry is no address", () => {
    expect(clientAddress(headers("203.0.113.7"), 2)).toBeNull();
    expect(clientAddress(headers(), 1)).toBeNull();
    expect(clientAddress(headers("6.6.6.6, not-an-ip"), 1)).toBeNull();
  });
});
