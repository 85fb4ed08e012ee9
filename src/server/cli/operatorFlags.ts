/**
 * `neat serve`'s operator settings: the mode, exclusions, maintenance, spare hosts, migration cap,
 * plan age, windows and disruption budget, dashboard token and log format. Kept apart from the
 * connection settings in serve.ts.
 */
import { Options } from "@effect/cli"
import { Config, Option, Redacted } from "effect"
import { defaultGlobalManagerOptions, type GlobalManagerOptions } from "../http/GlobalManagerOptions.js"
import { logFormatOption } from "./logFormat.js"

const list = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("NAME,NAME"),
    Options.withDefault(""),
    Options.withDescription(`${description} (comma-separated)`)
  )

export const operatorFlags = {
  controlMode: Options.choice("control-mode", ["auto", "recommend"]).pipe(
    Options.withDefault(defaultGlobalManagerOptions.control_mode),
    Options.withDescription("auto: execute plans; recommend: record them for approval")
  ),
  excludedHosts: list("excluded-hosts", "hosts never touched"),
  excludedVms: list("excluded-vms", "VMs never migrated"),
  maintenanceHosts: list("maintenance-hosts", "hosts in maintenance at start (never a target, never suspended)"),
  minSpareHosts: Options.integer("min-spare-hosts").pipe(
    Options.withDefault(defaultGlobalManagerOptions.min_spare_hosts),
    Options.withDescription("active hosts without VMs kept running")
  ),
  maxMigrationsPerInterval: Options.integer("max-migrations-per-interval").pipe(
    Options.withDefault(defaultGlobalManagerOptions.max_migrations_per_interval),
    Options.withDescription("cap on migrations per --migration-cap-interval (0: none)")
  ),
  migrationCapInterval: Options.float("migration-cap-interval").pipe(
    Options.withPseudoName("SECONDS"),
    Options.withDefault(defaultGlobalManagerOptions.migration_cap_interval),
    Options.withDescription("seconds")
  ),
  planMaxAge: Options.float("plan-max-age").pipe(
    Options.withPseudoName("SECONDS"),
    Options.withDefault(defaultGlobalManagerOptions.plan_max_age),
    Options.withDescription("seconds a recommended plan stays approvable")
  ),
  blackoutWindows: Options.text("blackout-windows").pipe(
    Options.withPseudoName("'CRON DURATION; ...'"),
    Options.optional,
    Options.withDescription(
      "windows in which nothing is migrated or suspended, e.g. '0 8 * * 1-5 10h' (blackout_windows; UTC unless TZ=Zone first)"
    )
  ),
  maintenanceWindows: Options.text("maintenance-windows").pipe(
    Options.withPseudoName("'CRON DURATION; ...'"),
    Options.optional,
    Options.withDescription("plans execute only within these windows, else are recommended (maintenance_windows)")
  ),
  disruptionBudget: Options.text("disruption-budget").pipe(
    Options.withPseudoName("PERCENT%|HOSTS"),
    Options.optional,
    Options.withDescription("hosts in disruption at once, e.g. 10% or 3 (disruption_budget; default: no limit)")
  ),
  dashboardToken: Options.redacted("dashboard-token").pipe(
    Options.withFallbackConfig(Config.redacted("NEAT_DASHBOARD_TOKEN")),
    Options.optional,
    Options.withDescription("token of the dashboard's login; the dashboard is off without it (or NEAT_DASHBOARD_TOKEN)")
  ),
  logFormat: logFormatOption
}

const names = (text: string): Array<string> =>
  text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "")

/** The operator settings from the flags. */
export const operatorSettings = (flags: {
  readonly controlMode: "auto" | "recommend"
  readonly excludedHosts: string
  readonly excludedVms: string
  readonly maintenanceHosts: string
  readonly minSpareHosts: number
  readonly maxMigrationsPerInterval: number
  readonly migrationCapInterval: number
  readonly planMaxAge: number
  readonly dashboardToken: Option.Option<Redacted.Redacted<string>>
}): Pick<
  GlobalManagerOptions,
  | "control_mode"
  | "excluded_hosts"
  | "excluded_vms"
  | "maintenance_hosts"
  | "min_spare_hosts"
  | "max_migrations_per_interval"
  | "migration_cap_interval"
  | "plan_max_age"
  | "dashboard_token"
> => ({
  control_mode: flags.controlMode,
  excluded_hosts: names(flags.excludedHosts),
  excluded_vms: names(flags.excludedVms),
  maintenance_hosts: names(flags.maintenanceHosts),
  // Checked by `serveOptions`: a negative duration or limit is refused, never quietly replaced.
  min_spare_hosts: flags.minSpareHosts,
  max_migrations_per_interval: flags.maxMigrationsPerInterval,
  migration_cap_interval: flags.migrationCapInterval,
  plan_max_age: flags.planMaxAge,
  dashboard_token: Option.getOrUndefined(Option.map(flags.dashboardToken, Redacted.value))
})
