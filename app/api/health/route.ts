import { env } from "@/server/config/env";
import { dbHandle } from "@/server/db";
import { healthReport } from "@/server/health/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await healthReport(env(), dbHandle());
  return Response.json(report, { status: report.ok ? 200 : 503 });
}
