-- The Prosody 0.12 configuration of the Prosody bench (bench/prosody.ts): the interop suite's
-- (test/interop/prosody/prosody.cfg.lua) with three changes, for measuring:
-- 1. log at "info", not "debug": debug writes several lines per message and push, which would
--    cost Prosody more CPU than the routing being measured;
-- 2. default_iteration_count = 64 (Prosody's default is 10000): @xmpp/client's SCRAM-SHA-1 runs
--    PBKDF2 as one awaited WebCrypto HMAC per iteration, ~0.7 s of CPU a login at 10000, which
--    would make the set-up of 50 receivers take half a minute (logins are set-up, not measured);
-- 3. push_notification_with_body = true: the message body (which carries the bench's sequence
--    number) reaches Herald and, with Herald's forward_body, the APNS payload, so every push is
--    matched to the one message it stands for.
-- The harness (test/interop/prosody/prosody-server.ts) fills the {{...}} placeholders.

pidfile = "{{DATA_DIR}}/prosody.pid"
data_path = "{{DATA_DIR}}"
certificates = "{{DATA_DIR}}/certs"
interfaces = { "127.0.0.1" }
c2s_ports = { {{C2S_PORT}} }
component_ports = { {{COMPONENT_PORT}} }
s2s_ports = { }
http_ports = { }
https_ports = { }
modules_disabled = { "s2s" }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
default_iteration_count = 64
log = { info = "*console" }

plugin_paths = { "/usr/lib/prosody/modules" }
modules_enabled = {
	"roster"; "saslauth"; "disco"; "ping";
	"offline";      -- messages to offline users are stored, and pushed (one push per message)
	"smacks";       -- XEP-0198: the senders count what Prosody acknowledged
	"cloud_notify"; -- XEP-0357, the XMPP Server role (package prosody-modules)
}
push_max_errors = 1
push_notification_with_body = true
push_notification_with_sender = false

VirtualHost "localhost"

Component "push.localhost"
	component_secret = "{{COMPONENT_SECRET}}"
