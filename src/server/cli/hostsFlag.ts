/** `--hosts N|FILE.json`, read one way by `neat sim` and `neat sweep`. */

/** A number of CloudSim's G4/G5 hosts, or a JSON file of the data centre's host types and counts. */
export type HostsFlag = { readonly count: number } | { readonly file: string }

/** The flag's value; anything but a positive whole number or a `.json` file is a usage error. */
export const parseHostsFlag = (text: string): HostsFlag => {
  if (/^\s*\d+\s*$/.test(text) && Number(text) > 0) return { count: Number(text) }
  if (text.toLowerCase().endsWith(".json")) return { file: text }
  throw new Error(`--hosts: '${text}' is neither a positive number of hosts nor a hosts file (FILE.json)`)
}
