/**
 * The baseline for `npm run bench:webhooks`: a POST that reads its body and answers 200,
 * on the same server as the real webhook. Off unless BENCH_BARE_ROUTE=1.
 */
export async function POST(req: Request) {
  if (process.env.BENCH_BARE_ROUTE !== "1") return new Response("not found", { status: 404 });
  await req.text();
  return new Response(null, { status: 200 });
}
