import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * Layer rules (docs/ARCHITECTURE.md, "Layers"): an import that crosses a layer the wrong way
 * fails lint. `@/x` and any number of `../` reach the top-level folder `x`.
 */
const layerPattern = (forbidden, why) => ({ regex: `^(@/|(\\.\\./)+)(${forbidden.join("|")})(/|$)`, message: why });
const layer = (from, forbidden, why) => ({
  files: [`${from}/**/*.{ts,tsx}`],
  rules: { "no-restricted-imports": ["error", { patterns: [layerPattern(forbidden, why)] }] },
});
const SERVER_FORBIDDEN = ["app", "components", "inngest", "local"];
const SERVER_WHY = "server/ is the domain: it never depends on routes, UI, inngest/ wiring or the local stand-ins.";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "db/migrations/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  layer("app", ["db", "local"], "app/ holds routes only: reach data through server/, never db/ or the local stand-ins."),
  layer("components", ["db", "local"], "components/ render; data comes through tRPC or server/, never db/ or local/."),
  layer("server", SERVER_FORBIDDEN, SERVER_WHY),
  // Input is validated in one layer (docs/ARCHITECTURE.md, "Limits, input and headers"): a router's
  // `.input()` takes the schema its area exports beside the service; routers write none of their own.
  {
    files: ["server/trpc/routers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [layerPattern(SERVER_FORBIDDEN, SERVER_WHY)],
          paths: [{ name: "zod", message: "Routers take input schemas from their area's schema module (server/<area>/schema.ts); they define none." }],
        },
      ],
    },
  },
  // Raw rows reach domain code in one shape (docs/ARCHITECTURE.md, "Database"): parsed by
  // db/raw-rows.ts, never cast by naming the row type at the call.
  {
    files: ["server/**/*.ts", "inngest/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.name='executeRows'][typeArguments]",
          message: "Parse raw rows with queryRows/queryOneRow from db/raw-rows.ts instead of casting them to a type.",
        },
      ],
    },
  },
  layer("inngest", ["app", "components", "local"], "inngest/ wires server/ job definitions to functions; nothing else."),
  layer("db", ["app", "components", "server", "inngest", "local"], "db/ is the schema and client; it depends on nothing above it."),
  layer("common", ["app", "components", "server", "inngest", "db", "local"], "common/ is client-safe limits and enums every layer imports; it imports none of them."),
  layer("local", ["app", "components", "server", "inngest", "db"], "local/ stand-ins are separate programs: they never import the app."),
);
