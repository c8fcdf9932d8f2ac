import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/guards";

export default async function Home() {
  redirect((await currentUser()) ? "/settings/sms" : "/sign-in");
}
