/** Conversions from the control core's records to the API's JSON shapes (snake_case, like Neat). */
import type { Schema } from "effect"
import type { RecordedDecision } from "../../core/control/Decision.js"
import type { VmMigrationRecord } from "../../core/control/DecisionLog.js"
import type { OperatorPolicy } from "../../core/control/OperatorPolicy.js"
import type { PlanEffect } from "../../core/control/PlanEffect.js"
import type { ControlMode } from "../../core/control/Reallocate.js"
import type { HostState } from "../../core/Host.js"
import type { VmState } from "../../core/Vm.js"
import type {
  DecisionView,
  HostView,
  PlanActionView,
  PlanEffectView,
  PlanView,
  PolicyView,
  VmMigrationView,
  VmView
} from "./Api.js"
import type { BookedPlan, BookedStep } from "./PlanBook.js"

export const decisionView = (decision: RecordedDecision): Schema.Schema.Type<typeof DecisionView> => ({
  id: decision.id,
  host: decision.request.host,
  reason: decision.request.reason,
  vm_uuids: decision.request.vmUuids,
  outcome: decision.outcome,
  status: decision.status,
  detail: decision.detail,
  received_at_ms: decision.receivedAtMs,
  started_at_ms: decision.startedAtMs,
  finished_at_ms: decision.finishedAtMs,
  timings_ms: {
    snapshot: decision.timings.snapshotMs,
    placement: decision.timings.placementMs,
    execution: decision.timings.executionMs
  },
  inputs: {
    active_hosts: decision.inputs.activeHosts,
    inactive_hosts: decision.inputs.inactiveHosts,
    vms_to_place: decision.inputs.vmsToPlace
  },
  placement: decision.placement,
  plan: decision.plan,
  execution: {
    migrations: decision.execution.migrations.map((outcome) =>
      outcome._tag === "Migrated"
        ? { ...outcome.migration, migrated: true, seconds: outcome.seconds }
        : { ...outcome.migration, migrated: false, reason: outcome.reason }
    ),
    woken: decision.execution.woken,
    wake_failures: decision.execution.wakeFailures,
    suspended: decision.execution.suspended,
    suspend_failures: decision.execution.suspendFailures
  }
})

export const hostView = (host: HostState): Schema.Schema.Type<typeof HostView> => ({
  name: host.name,
  cores: host.cores,
  mhz_per_core: host.mhzPerCore,
  ram_mb: host.ramMb,
  power: host.power,
  vms: host.vms
})

export const vmView = (vm: VmState): Schema.Schema.Type<typeof VmView> => ({
  uuid: vm.uuid,
  host: vm.host,
  ram_mb: vm.ramMb,
  vcpus: vm.vcpus
})

export const migrationView = (row: VmMigrationRecord): Schema.Schema.Type<typeof VmMigrationView> => ({
  vm: row.vm,
  host: row.host,
  timestamp_ms: row.timestampMs
})

export const planActionView = (step: BookedStep): Schema.Schema.Type<typeof PlanActionView> => {
  const action = step.action
  const where =
    action.kind === "migrate" ? { vm: action.vm, from: action.from, to: action.host } : { host: action.host }
  return {
    key: step.key,
    kind: action.kind,
    ...where,
    after: step.after,
    status: step.status,
    ...(step.detail === undefined ? {} : { detail: step.detail })
  }
}

export const planEffectView = (effect: PlanEffect): Schema.Schema.Type<typeof PlanEffectView> => ({
  hosts_freed: effect.hostsFreed,
  power_saved_w: effect.powerSavedW,
  energy_saved_kwh_per_hour: effect.energySavedKwhPerHour,
  migrations: effect.migrations,
  migration_seconds: effect.migrationSeconds,
  sla_risk_hosts: effect.slaRiskHosts
})

export const planView = (plan: BookedPlan, maxAgeSec: number): Schema.Schema.Type<typeof PlanView> => ({
  id: plan.id,
  status: plan.status,
  created_at_ms: plan.createdAtMs,
  interval_started_at_ms: plan.intervalStartedAtMs,
  expires_at_ms: plan.createdAtMs + maxAgeSec * 1000,
  ...(plan.resolution === undefined ? {} : { resolution: plan.resolution }),
  ...(plan.executedBy === undefined ? {} : { executed_by: plan.executedBy }),
  ...(plan.supersededBy === undefined ? {} : { superseded_by: plan.supersededBy }),
  requests: plan.requests.map((request) => ({
    decision_id: request.decisionId,
    host: request.host,
    reason: request.reason,
    vm_uuids: request.vmUuids
  })),
  actions: plan.steps.map(planActionView),
  ...(plan.effect === undefined ? {} : { effect: planEffectView(plan.effect) }),
  fingerprint: plan.fingerprint,
  decision: decisionView(plan.decision)
})

export const policyView = (mode: ControlMode, policy: OperatorPolicy): Schema.Schema.Type<typeof PolicyView> => ({
  mode,
  excluded_hosts: [...policy.excludedHosts].sort(),
  excluded_vms: [...policy.excludedVms].sort(),
  maintenance_hosts: [...policy.maintenanceHosts].sort(),
  min_spare_hosts: policy.minSpareHosts,
  max_migrations_per_interval: policy.maxMigrationsPerInterval ?? 0,
  migration_cap_interval: policy.migrationCapIntervalSec
})
