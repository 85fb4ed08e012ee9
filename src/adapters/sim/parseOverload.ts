/** `NAME[:PARAM]` → a CloudSim overload detector choice ("thr", "thr:0.9", "lr:1.2"). */
import { Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import {
  type CloudsimOverloadName,
  cloudsimOverloadNames,
  defaultOverloadParam,
  type OverloadChoice
} from "./SimulationOptions.js"

export const parseOverload = (text: string, field = "overload"): Either.Either<OverloadChoice, ConfigError> => {
  const [rawName = "", rawParam, ...rest] = text.trim().split(":")
  const name = rawName.toLowerCase()
  if (!cloudsimOverloadNames.includes(name as CloudsimOverloadName)) {
    return Either.left(
      new ConfigError({
        field,
        message: `unknown detector "${rawName}": expected one of ${cloudsimOverloadNames.join(", ")}`
      })
    )
  }
  const detector = name as CloudsimOverloadName
  if (rest.length > 0) return Either.left(new ConfigError({ field, message: `expected NAME[:PARAM], got "${text}"` }))
  if (rawParam === undefined || rawParam.trim() === "") {
    return Either.right({ name: detector, param: defaultOverloadParam[detector] })
  }
  const param = Number(rawParam)
  if (!Number.isFinite(param) || param <= 0) {
    return Either.left(new ConfigError({ field, message: `parameter must be a positive number, got "${rawParam}"` }))
  }
  return Either.right({ name: detector, param })
}
