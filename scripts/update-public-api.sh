#!/usr/bin/env bash
# Adds every new public symbol of the shipped libraries to their PublicAPI.Unshipped.txt
# (the RS0016 code fix, applied from the command line). Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/; do
  name=$(basename "$project")
  if [ -f "$project/PublicAPI.Unshipped.txt" ]; then
    dotnet format analyzers "$project/$name.csproj" --diagnostics RS0016 --severity info
  fi
done
