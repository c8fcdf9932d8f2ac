-- Live pages (server/live): every change to a user's texts or SMS settings announces that user's
-- id on the `sms_live` channel, from inside the writing transaction (delivered on commit, never on
-- rollback; identical payloads of one transaction are sent once). The payload is only the id:
-- listeners read again through their own scoped queries.
CREATE FUNCTION sms_live_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sms_live', NEW.user_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION sms_live_notify_message_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner text;
BEGIN
  SELECT user_id INTO owner FROM sms_messages WHERE id = NEW.message_id;
  IF owner IS NOT NULL THEN
    PERFORM pg_notify('sms_live', owner);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sms_messages_live_insert AFTER INSERT ON sms_messages
  FOR EACH ROW EXECUTE FUNCTION sms_live_notify_user();
--> statement-breakpoint
CREATE TRIGGER sms_messages_live_update AFTER UPDATE ON sms_messages
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION sms_live_notify_user();
--> statement-breakpoint
CREATE TRIGGER user_sms_preferences_live_insert AFTER INSERT ON user_sms_preferences
  FOR EACH ROW EXECUTE FUNCTION sms_live_notify_user();
--> statement-breakpoint
CREATE TRIGGER user_sms_preferences_live_update AFTER UPDATE ON user_sms_preferences
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION sms_live_notify_user();
--> statement-breakpoint
-- An event can land without moving its message (a late or out-of-order callback): the timeline still changed.
CREATE TRIGGER sms_message_events_live AFTER INSERT ON sms_message_events
  FOR EACH ROW EXECUTE FUNCTION sms_live_notify_message_event();
