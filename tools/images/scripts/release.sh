#!/usr/bin/env bash
# The CI release job's nx release: the projects the plan built or reused on this push
# (PROJECTS, a JSON array), the first release of a project without an earlier tag.
set -euo pipefail
projects=$(node -e 'const p = JSON.parse(process.env.PROJECTS || "[]"); if (!p.length) process.exit(1); console.log(p.join(","))')
first=()
IFS=, read -ra list <<<"$projects"
for p in "${list[@]}"; do
  if [ -z "$(git tag --list "$p@*")" ]; then first=(--first-release); fi
done
npx nx release --yes --projects "$projects" "${first[@]}" --verbose
