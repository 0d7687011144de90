// The rules for data files named in a spec or on the command line, as the language reference prints
// them (`docs/LANGUAGE.md`, `flowc help language`). One text, kept beside the registry's data sources,
// with the limits and the path check it describes (`flowc check` and `flowc train` both use them).

/** Caps on what one data file may make the trainer read. */
export const DATA_LIMITS = {
  /** bytes of an .idx / .npy file's data (or of a .gz file inflated): 1 GiB */
  maxFileBytes: 2 ** 30,
  /** bytes of a CSV file (text): 128 MiB */
  maxTextBytes: 2 ** 27,
  /** values in one data set (float32 in memory): 2^27, i.e. 512 MiB */
  maxValues: 2 ** 27,
  /** points of a toy density */
  maxToyPoints: 2 ** 20,
} as const;

export const DATA_FILE_RULES = `Data files (\`idx("…")\`, \`csv("…")\`, \`npy("…")\` in a spec, and \`--data FILE\`
of \`flowc train\` / \`flowc eval\`):

- In a spec, a path is relative to the spec's folder and must stay inside it: no absolute path, no \`~\`, no
  \`..\` that leaves the folder, and no symbolic link that leads out of it. \`flowc check\` reports such a path
  at the path string; \`flowc train\` refuses it (and a link that leads outside) before reading anything.
- Options are arguments, not part of the path: \`idx("train-images-idx3-ubyte", binarize: 128)\` (the
  command line's \`FILE?binarize=128\` form is not accepted in a spec).
- On the command line, \`--data FILE\` is relative to the working directory and may be any file the user can
  read: naming a file there is how to train on data outside the spec's folder.
- Only regular files are read: devices, pipes, sockets and folders are refused. An .idx or .npy file is read
  only as far as its header says its data goes (at most 1 GiB of data, inflated size for .gz files); a CSV
  file may have at most 128 MiB; one data set at most 2^27 values; a toy density at most 2^20 points.
- Error messages name the file, the row and the column, and never quote the file's text (a message about the
  data's domain may give the range of its numbers).
- Model names are identifiers (letters, digits, \`_\`) in both the .flow and the .flow.yaml form; a run is
  written to \`runs/<Model>-<time>/\` (or \`--out DIR\`), and nothing outside that folder.`;

/** Why a path written in a spec breaks the rules above, or undefined when it is fine. */
export function specPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL character';
  if (/\?/.test(path)) {
    return 'options are arguments, not part of the path: write e.g. `idx("file", binarize: 128)`';
  }
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    return "absolute paths are not allowed in a spec: name a file in the spec's folder, or pass --data FILE";
  }
  if (path.startsWith('~')) return "`~` is not expanded: name a file in the spec's folder, or pass --data FILE";
  let depth = 0;
  for (const part of path.split(/[/\\]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return "the path leads outside the spec's folder (`..`): pass --data FILE to read files elsewhere";
  }
  return undefined;
}
