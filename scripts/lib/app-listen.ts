/**
 * How `npm run dev` / `npm start` start Next: on loopback unless HOST says otherwise, like the
 * stand-ins (Next's own default is every interface, which put /admin on the LAN).
 */
export const DEFAULT_APP_HOST = "127.0.0.1";

export function appListen(production: boolean, env: Record<string, string | undefined>): { host: string; port: string; args: string[] } {
  const port = env.PORT?.trim() || "3000";
  const host = env.HOST?.trim() || DEFAULT_APP_HOST;
  return { host, port, args: [production ? "start" : "dev", "-p", port, "-H", host] };
}
