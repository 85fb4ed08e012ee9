/** A reader of Prometheus' text exposition format (0.0.4), strict enough to catch malformed output. */

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Exposition {
  readonly samples: ReadonlyArray<Sample>
  /** Metric family name → type from its `# TYPE` line. */
  readonly types: ReadonlyMap<string, string>
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y

/** Parses the text; throws naming the line when one is not valid. */
export const parseExposition = (text: string): Exposition => {
  const samples: Array<Sample> = []
  const types = new Map<string, string>()
  text.split("\n").forEach((line, index) => {
    if (line === "") return
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ")
      if (name === undefined || type === undefined) throw new Error(`line ${index + 1}: bad TYPE line: ${line}`)
      types.set(name, type)
      return
    }
    if (line.startsWith("#")) return
    const match = sampleLine.exec(line)
    if (match === null) throw new Error(`line ${index + 1}: not a sample: ${line}`)
    const labels: Record<string, string> = {}
    const body = match[3] ?? ""
    labelPair.lastIndex = 0
    while (labelPair.lastIndex < body.length) {
      const pair = labelPair.exec(body)
      if (pair === null) throw new Error(`line ${index + 1}: bad labels: ${body}`)
      labels[pair[1]!] = pair[2]!
    }
    samples.push({ name: match[1]!, labels, value: Number(match[4]) })
  })
  return { samples, types }
}

/** The value of the sample with exactly `name` and (at least) `labels`, summed over the matches; 0 when none. */
export const sampleValue = (
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {}
): number =>
  exposition.samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v))
    .reduce((sum, sample) => sum + sample.value, 0)
