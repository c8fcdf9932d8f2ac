import { describe, expect, it } from "vitest";
import { appListen } from "@/scripts/lib/app-listen";

describe("npm run dev / npm start bind the app to loopback unless HOST says otherwise", () => {
  it("binds 127.0.0.1 by default, in dev and in production", () => {
    expect(appListen(false, {}).args).toEqual(["dev", "-p", "3000", "-H", "127.0.0.1"]);
    expect(appListen(true, { PORT: "3200", HOST: " " }).args).toEqual(["start", "-p", "3200", "-H", "127.0.0.1"]);
  });
  it("takes HOST when set (a container)", () => {
    expect(appListen(false, { HOST: "0.0.0.0" }).args).toEqual(["dev", "-p", "3000", "-H", "0.0.0.0"]);
  });
});
