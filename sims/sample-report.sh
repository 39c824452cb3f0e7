#!/usr/bin/env bash
# Regenerates the committed sample report (reports/sample): GPT-2 small/medium/large on pim-gpt and
# gpt2-small at 4, 8 and 16 channels, 1 prompt + 16 tokens each. Run from the repository root after
# any change that moves simulated figures:  bash sims/sample-report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { npx tsx src/cli.ts simulate --tokens 16 "$@"; }
run --model gpt2-small --out "$tmp/gpt2-small-channels-8.json"
run --model gpt2-medium --out "$tmp/gpt2-medium.json"
run --model gpt2-large --out "$tmp/gpt2-large.json"
for c in 4 16; do run --model gpt2-small --set "memoryOverrides.organization.channels=$c" --out "$tmp/gpt2-small-channels-$c.json"; done
npx tsx src/cli.ts report "$tmp"/gpt2-small-channels-8.json "$tmp"/gpt2-medium.json "$tmp"/gpt2-large.json \
  "$tmp"/gpt2-small-channels-4.json "$tmp"/gpt2-small-channels-16.json \
  --title "pimsim sample report: GPT-2 small/medium/large on PIM-GPT, and a channel sweep" --out reports/sample
