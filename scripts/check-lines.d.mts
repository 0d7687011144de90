// Types of scripts/check-lines.mjs (the 120-character line check) for the tests that import it.
export const MAX: number;
/** the lines over MAX characters (Unicode code points) of one file's text: [line number, length] */
export function longLines(text: string): [number, number][];
