/**
 * The PostgreSQL channel the database announces changes on. Triggers (db/migrations/0011_live_notify.sql)
 * NOTIFY it with the id of the user whose texts or SMS settings changed, inside the writing
 * transaction: every writer is covered — the send pipeline, webhooks, admin actions, any app
 * instance — and a rolled-back change announces nothing.
 */
export const LIVE_CHANNEL = "sms_live";
