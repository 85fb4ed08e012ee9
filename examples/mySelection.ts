/**
 * A VM selection: the busiest VM (highest mean CPU over its last `last_n` samples), which relieves an
 * overloaded host the most with one migration. Stateless: its state is `null`.
 *
 *   neat sim --policy neat --selection ./examples/mySelection.ts#busiestVm
 */
import { meanOfLast, PositiveInteger, Schema, type VmSelector, withParams } from "neat/algorithms"

export const busiestVm = withParams(
  Schema.Struct({ last_n: PositiveInteger }),
  ({ last_n }): VmSelector<null> => ({
    initialState: null,
    select: (vms, state) => {
      let chosen: string | undefined
      let highest = Number.NEGATIVE_INFINITY
      for (const vm of vms) {
        const cpu = meanOfLast(vm.cpuMhz, last_n)
        if (cpu > highest) {
          highest = cpu
          chosen = vm.uuid
        }
      }
      return [chosen === undefined ? [] : [chosen], state]
    }
  }),
  { defaults: { last_n: 2 }, numericParam: "last_n" }
)
