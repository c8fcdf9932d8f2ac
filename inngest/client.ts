/** The client lives in server/jobs so services can send events without importing inngest/. */
export { inngest } from "@/server/jobs/inngest-client";
