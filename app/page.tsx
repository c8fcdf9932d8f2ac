import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUser } from "@/server/auth/auth";

export default async function Home() {
  const user = await sessionUser(await headers());
  redirect(user ? "/settings/sms" : "/sign-in");
}
