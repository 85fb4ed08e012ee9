/** An algorithm's parameters as a person reads them, from its parameter schema. */
import { Option, type Schema, SchemaAST } from "effect"

/** One parameter of an algorithm. */
export interface ParamDescription {
  readonly name: string
  /** e.g. `number >= 0`, `integer >= 1`, `array of integer`. */
  readonly type: string
  readonly optional: boolean
  /** The schema's doc text, if it has one. */
  readonly description: string | undefined
}

const constraintText: Readonly<Record<string, string>> = {
  finite: "",
  int: "",
  nonNegative: ">= 0",
  positive: "> 0",
  negative: "< 0",
  nonPositive: "<= 0"
}

const boundText: Readonly<Record<string, string>> = {
  greaterThanOrEqualTo: ">=",
  greaterThan: ">",
  lessThanOrEqualTo: "<=",
  lessThan: "<"
}

const typeText = (ast: SchemaAST.AST): string => {
  const constraints: Array<string> = []
  let integer = false
  let node = ast
  while (node._tag === "Refinement") {
    const title = Option.getOrUndefined(SchemaAST.getTitleAnnotation(node)) ?? ""
    if (title === "int") integer = true
    const between = /^between\((.*), (.*)\)$/.exec(title)
    const bound = /^(greaterThanOrEqualTo|greaterThan|lessThanOrEqualTo|lessThan)\((.*)\)$/.exec(title)
    if (between !== null) constraints.unshift(`${between[1]}..${between[2]}`)
    else if (bound !== null) constraints.unshift(`${boundText[bound[1]!]} ${bound[2]}`)
    else if (constraintText[title] !== undefined) {
      if (constraintText[title] !== "") constraints.unshift(constraintText[title])
    } else if (title !== "") constraints.unshift(title)
    node = node.from
  }
  let base: string
  switch (node._tag) {
    case "NumberKeyword":
      base = integer ? "integer" : "number"
      break
    case "BooleanKeyword":
      base = "boolean"
      break
    case "StringKeyword":
      base = "string"
      break
    case "TupleType": {
      const rest = node.rest[0]
      base = rest === undefined ? "tuple" : `array of ${typeText(rest.type)}`
      break
    }
    case "Union":
      base = node.types
        .filter((type) => type._tag !== "UndefinedKeyword")
        .map(typeText)
        .join(" | ")
      break
    case "Literal":
      base = JSON.stringify(node.literal)
      break
    case "Transformation":
      base = typeText(node.from)
      break
    default:
      base = "value"
  }
  return [base, ...constraints].join(" ")
}

const typeLiteralOf = (ast: SchemaAST.AST): SchemaAST.TypeLiteral | undefined => {
  if (ast._tag === "TypeLiteral") return ast
  if (ast._tag === "Transformation") return typeLiteralOf(ast.from)
  if (ast._tag === "Refinement") return typeLiteralOf(ast.from)
  return undefined
}

/** The parameters a schema accepts, as written in JSON (its encoded side), in declaration order. */
export const describeParams = (schema: Schema.Schema.AnyNoContext): ReadonlyArray<ParamDescription> => {
  const literal = typeLiteralOf(schema.ast)
  if (literal === undefined) return []
  return literal.propertySignatures.map((property) => ({
    name: String(property.name),
    type: typeText(property.type),
    optional: property.isOptional,
    description: Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(property))
  }))
}
