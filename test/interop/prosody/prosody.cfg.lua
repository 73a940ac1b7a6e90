-- The Prosody 0.12 configuration of Herald's interop suite (test/interop/prosody). The harness
-- fills the {{...}} placeholders and runs `prosody -F --config FILE` on loopback.

---------- Loopback test settings (not for production) ----------
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
-- The test clients log in over plain TCP, without certificates.
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
-- Debug on the console: the suite waits for Prosody's own words (hibernation, disabled push).
log = { debug = "*console" }

---------- Pointing Prosody at Herald ----------
-- Debian's prosody-modules installs mod_cloud_notify here.
plugin_paths = { "/usr/lib/prosody/modules" }
modules_enabled = {
	"roster"; "saslauth"; "disco"; "ping";
	"offline";      -- messages to offline users are stored, and pushed
	"smacks";       -- XEP-0198: messages to a hibernated session are pushed too
	"cloud_notify"; -- XEP-0357, the XMPP Server role (package prosody-modules)
}
-- mod_cloud_notify disables a registration after this many non-"wait" errors in a row (its
-- default is 16). Herald answers a non-"wait" error only when retrying cannot help: the device
-- is gone (cancel/not-acceptable + device-not-registered), the node does not exist, the publish
-- is malformed or not allowed. So 1 drops a dead device at once. While Herald is disconnected
-- Prosody itself answers wait/remote-server-timeout, which never counts.
push_max_errors = 1
-- Privacy: Prosody's defaults, shown for clarity. No sender, and "New Message!" instead of the
-- body, leave the server; Herald then titles the alert with app_server.default_alert_title.
push_notification_with_body = false
push_notification_with_sender = false

VirtualHost "localhost"

-- Herald's app_server.jid (its component domain); Herald's component.password = this secret.
Component "push.localhost"
	component_secret = "{{COMPONENT_SECRET}}"
