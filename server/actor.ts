/** Who is asking a service to act; services decide what each actor may do. */
export type Actor =
  | { type: "user"; userId: string }
  | { type: "admin"; userId: string }
  | { type: "system"; reason: string }
  | { type: "webhook"; source: "twilio" };
