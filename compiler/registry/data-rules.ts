// The rules for data files named in a spec or on the command line, as the language reference prints
// them (`docs/LANGUAGE.md`, `flowc help language`). One text, kept beside the registry's data sources.
export const DATA_FILE_RULES = `Data files (\`idx("…")\`, \`csv("…")\`, \`npy("…")\`, \`--data FILE\`) are read as given: a relative
path in a spec is resolved against the spec's folder, on the command line against the working directory.`;
