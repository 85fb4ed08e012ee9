/**
 * Test-side administration of the fake OpenStack: boot pinned servers, wait for them, delete
 * them, force a compute service down or up. Plain fetch on purpose, independent of the adapter
 * under test.
 */
export interface AdminCredentials {
  readonly authUrl: string
  readonly user: string
  readonly password: string
  readonly project: string
  readonly domain: string
}

export interface AdminSession {
  readonly token: string
  readonly computeUrl: string
  readonly imageUrl: string
}

type Json = Record<string, unknown>

const endpointOf = (catalog: ReadonlyArray<Json>, type: string): string => {
  const service = catalog.find((s) => s.type === type)
  const endpoints = (service?.endpoints ?? []) as ReadonlyArray<Json>
  const endpoint = endpoints.find((e) => e.interface === "public")
  if (typeof endpoint?.url !== "string") throw new Error(`no public ${type} endpoint in the catalog`)
  return endpoint.url.replace(/\/+$/, "")
}

export const adminSession = async (credentials: AdminCredentials): Promise<AdminSession> => {
  const response = await fetch(`${credentials.authUrl.replace(/\/+$/, "")}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: { name: credentials.user, domain: { name: credentials.domain }, password: credentials.password }
          }
        },
        scope: { project: { name: credentials.project, domain: { name: credentials.domain } } }
      }
    })
  })
  if (response.status !== 201) throw new Error(`Keystone answered ${response.status}`)
  const token = response.headers.get("x-subject-token") ?? ""
  const body = (await response.json()) as { token: { catalog: ReadonlyArray<Json> } }
  return {
    token,
    computeUrl: endpointOf(body.token.catalog, "compute"),
    imageUrl: endpointOf(body.token.catalog, "image")
  }
}

const nova = async (session: AdminSession, method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${session.computeUrl}${path}`, {
    method,
    headers: {
      "X-Auth-Token": session.token,
      "X-OpenStack-Nova-API-Version": "2.79",
      ...(body === undefined ? {} : { "Content-Type": "application/json" })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

export const fakeImageId = async (session: AdminSession): Promise<string> => {
  const response = await fetch(`${session.imageUrl}/v2/images?name=fake-image`, {
    headers: { "X-Auth-Token": session.token }
  })
  const body = (await response.json()) as { images: ReadonlyArray<{ id: string }> }
  const image = body.images[0]
  if (image === undefined) throw new Error("the fake cloud has no image named fake-image")
  return image.id
}

/**
 * Boots a server pinned to `host` (microversion 2.74+, no networks) and returns its id; with
 * `group`, as a member of that server group (the scheduler hint).
 */
export const bootServer = async (
  session: AdminSession,
  options: { name: string; imageId: string; flavorId: string; host: string; group?: string }
): Promise<string> => {
  const response = await nova(session, "POST", "/servers", {
    server: {
      name: options.name,
      imageRef: options.imageId,
      flavorRef: options.flavorId,
      networks: "none",
      host: options.host
    },
    ...(options.group === undefined ? {} : { "os:scheduler_hints": { group: options.group } })
  })
  if (response.status !== 202) throw new Error(`boot ${options.name}: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as { server: { id: string } }
  return body.server.id
}

/** Creates a server group (microversion 2.64+: one `policy`) and returns its id. */
export const createServerGroup = async (session: AdminSession, name: string, policy: string): Promise<string> => {
  const response = await nova(session, "POST", "/os-server-groups", { server_group: { name, policy } })
  if (response.status !== 200) throw new Error(`server group ${name}: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as { server_group: { id: string } }
  return body.server_group.id
}

export const deleteServerGroup = async (session: AdminSession, id: string): Promise<void> => {
  await nova(session, "DELETE", `/os-server-groups/${id}`)
}

export interface ServerView {
  readonly status: string
  readonly host: string | null
  readonly taskState: string | null
}

export const serverView = async (session: AdminSession, id: string): Promise<ServerView | undefined> => {
  const response = await nova(session, "GET", `/servers/${id}`)
  if (response.status === 404) return undefined
  const body = (await response.json()) as { server: Json }
  return {
    status: String(body.server.status),
    host: (body.server["OS-EXT-SRV-ATTR:host"] as string | null) ?? null,
    taskState: (body.server["OS-EXT-STS:task_state"] as string | null) ?? null
  }
}

export const waitFor = async <A>(what: string, timeoutMs: number, probe: () => Promise<A | undefined>): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export const waitActive = (session: AdminSession, id: string): Promise<ServerView> =>
  waitFor(`server ${id} to be ACTIVE`, 60_000, async () => {
    const view = await serverView(session, id)
    if (view?.status === "ERROR") throw new Error(`server ${id} went to ERROR`)
    return view?.status === "ACTIVE" && view.taskState === null ? view : undefined
  })

export const deleteServer = async (session: AdminSession, id: string): Promise<void> => {
  await nova(session, "DELETE", `/servers/${id}`)
}

export const waitDeleted = (session: AdminSession, id: string): Promise<true> =>
  waitFor(`server ${id} to be deleted`, 60_000, async () =>
    (await serverView(session, id)) === undefined ? true : undefined
  )

export interface ServiceView {
  readonly id: string
  readonly host: string
  readonly status: string
  readonly state: string
  readonly disabledReason: string | null
}

export const computeServices = async (session: AdminSession): Promise<ReadonlyArray<ServiceView>> => {
  const response = await nova(session, "GET", "/os-services?binary=nova-compute")
  const body = (await response.json()) as { services: ReadonlyArray<Json> }
  return body.services.map((s) => ({
    id: String(s.id),
    host: String(s.host),
    status: String(s.status),
    state: String(s.state),
    disabledReason: (s.disabled_reason as string | null) ?? null
  }))
}

export const updateService = async (session: AdminSession, host: string, update: Json): Promise<void> => {
  const service = (await computeServices(session)).find((s) => s.host === host)
  if (service === undefined) throw new Error(`no compute service on ${host}`)
  const response = await nova(session, "PUT", `/os-services/${service.id}`, update)
  if (response.status !== 200) throw new Error(`update ${host}: ${response.status} ${await response.text()}`)
}
