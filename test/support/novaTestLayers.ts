/** Layers of the OpenStack adapter for tests: Keystone and Nova over the real HTTP client. */
import { NodeHttpClient } from "@effect/platform-node"
import { Layer, Redacted } from "effect"
import type { KeystoneOptions } from "../../src/adapters/nova/Keystone.js"
import { KeystoneLive } from "../../src/adapters/nova/Keystone.js"
import { type Nova, NovaLive } from "../../src/adapters/nova/Nova.js"
import type { NovaRequestOptions } from "../../src/adapters/nova/NovaRequest.js"
import type { AdminCredentials } from "./fakeCloudAdmin.js"

export const keystoneOptions = (
  credentials: AdminCredentials,
  overrides: Partial<KeystoneOptions> = {}
): KeystoneOptions => ({
  authUrl: credentials.authUrl,
  username: credentials.user,
  password: Redacted.make(credentials.password),
  projectName: credentials.project,
  userDomainName: credentials.domain,
  projectDomainName: credentials.domain,
  endpointInterface: "public",
  renewMarginSec: 300,
  requestTimeoutSec: 10,
  retries: 2,
  ...overrides
})

export const novaRequestOptions = (overrides: Partial<NovaRequestOptions> = {}): NovaRequestOptions => ({
  microversion: "2.79",
  requestTimeoutSec: 10,
  readRetries: 2,
  readBackoffSec: 0.1,
  ...overrides
})

export const novaLayer = (
  keystone: KeystoneOptions,
  nova: NovaRequestOptions = novaRequestOptions()
): Layer.Layer<Nova> => NovaLive(nova).pipe(Layer.provide(KeystoneLive(keystone)), Layer.provide(NodeHttpClient.layer))
