/**
 * Whether `neat` may colour what it writes: only on a terminal, never with `NO_COLOR` set to
 * anything but the empty string (https://no-color.org), nor on a `dumb` terminal.
 */
export const colourWanted = (
  stream: { readonly isTTY?: boolean | undefined },
  env: NodeJS.ProcessEnv = process.env
): boolean => stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb"

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g")

/** `text` without its colour and style escapes. */
export const withoutColour = (text: string): string => text.replace(ansi, "")
