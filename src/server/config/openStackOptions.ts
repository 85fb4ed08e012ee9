/**
 * The OpenStack adapter's own options (beyond OpenStack Neat's), as neat.conf carries them. The
 * loader keeps them as text; the adapter decodes and checks them (`loadOpenStackOptions`), so each
 * is validated in one place. An empty value means "not set": the adapter's default applies, or the
 * adapter reports the option as required. docs/openstack.md describes each.
 */

import { Text } from "./optionSchemas.js"
import type { OptionSpec } from "./options.js"

const text = (name: string): OptionSpec<string> => ({ name, schema: Text })

export const openStackOptions = {
  osUserDomainName: text("os_user_domain_name"),
  osProjectDomainName: text("os_project_domain_name"),
  osEndpointType: text("os_endpoint_type"),
  osRegionName: text("os_region_name"),
  osCacert: text("os_cacert"),
  osInsecure: text("os_insecure"),
  osRequestTimeout: text("os_request_timeout"),
  osRequestRetries: text("os_request_retries"),
  osTokenRenewMargin: text("os_token_renew_margin"),
  novaApiMicroversion: text("nova_api_microversion"),
  computeHostMhzPerCore: text("compute_host_mhz_per_core"),
  computeHostMhz: text("compute_host_mhz"),
  blockMigration: text("block_migration"),
  maxConcurrentMigrations: text("max_concurrent_migrations"),
  maxConcurrentMigrationsPerHost: text("max_concurrent_migrations_per_host"),
  migrationTimeoutBase: text("migration_timeout_base"),
  migrationTimeoutFactor: text("migration_timeout_factor"),
  migrationRetries: text("migration_retries"),
  migrationBackoff: text("migration_backoff"),
  migrationPollInterval: text("migration_poll_interval"),
  computeSshKey: text("compute_ssh_key"),
  computeKnownHosts: text("compute_known_hosts"),
  computeSshKeyPassphrase: text("compute_ssh_key_passphrase"),
  computeSshPort: text("compute_ssh_port"),
  computeSshAddresses: text("compute_ssh_addresses"),
  sshConnectTimeout: text("ssh_connect_timeout"),
  sshCommandTimeout: text("ssh_command_timeout"),
  suspendVerifyTimeout: text("suspend_verify_timeout"),
  wolAddress: text("wol_address"),
  wolPort: text("wol_port"),
  hostMacs: text("host_macs"),
  wakeTimeout: text("wake_timeout"),
  wakeResends: text("wake_resends"),
  hostStatePollInterval: text("host_state_poll_interval"),
  hostWakeMethods: text("host_wake_methods"),
  ipmiHosts: text("ipmi_hosts"),
  ipmiUser: text("ipmi_user"),
  ipmiPassword: text("ipmi_password"),
  ipmiUsers: text("ipmi_users"),
  ipmiPasswords: text("ipmi_passwords"),
  ipmiInterface: text("ipmi_interface"),
  ipmiCipherSuite: text("ipmi_cipher_suite"),
  ipmiPowerOff: text("ipmi_power_off"),
  ipmiTimeout: text("ipmi_timeout")
} as const
