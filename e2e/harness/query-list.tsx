/**
 * A page with one QueryList whose reads the test answers by hand (window.harness), bundled by
 * e2e/query-states.spec.ts. The component under test is the app's own; only its data source
 * is a stand-in, so loading, error, retry and empty states can each be held on screen.
 */
import { QueryClient, QueryClientProvider, queryOptions } from "@tanstack/react-query";
import { createRoot } from "react-dom/client";
import { QueryList } from "@/components/ui/query-states";

type Read = { resolve(items: string[]): void; reject(message: string): void };
const reads: Read[] = [];
(window as unknown as { harness: { reads: Read[] } }).harness = { reads };

const texts = queryOptions({
  queryKey: ["texts"],
  queryFn: () => new Promise<string[]>((resolve, reject) => reads.push({ resolve, reject: (m) => reject(new Error(m)) })),
});

createRoot(document.getElementById("root")!).render(
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <QueryList query={texts} what="your texts" empty="No texts yet." label="Texts" item={(item) => <li key={item}>{item}</li>} />
  </QueryClientProvider>,
);
