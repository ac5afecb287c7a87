#!/usr/bin/env bash
# Install what the integration suite needs; safe to run again (does nothing when all is there).
#   - redis-server (Debian package), when missing
#   - the LiteLLM proxy venv at ${AUTOFIX_LITELLM_VENV:-$HOME/.cache/autofix-litellm-venv},
#     with the pinned requirements, unless litellm 1.110.2 is already installed there
#   - pre-commit in a venv of its own at ${AUTOFIX_PRE_COMMIT_VENV:-$HOME/.cache/autofix-pre-commit-venv},
#     with a wheelhouse (its wheelhouse/ folder) of what the autofix hook's environment installs, so
#     test_pre_commit.py runs inside the suite's private network namespace (no network there)
#   - the older release's venv (test_live_versions.py) at
#     ${AUTOFIX_LITELLM_OLD_VENV:-$HOME/.cache/autofix-litellm-1.80.17-venv}, pinned the same way
#     (requirements-litellm-1.80.txt: `pip freeze` of litellm[proxy]==1.80.17 plus prometheus_client)
# Network: the Debian mirror and the Python package index only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${AUTOFIX_LITELLM_VENV:-$HOME/.cache/autofix-litellm-venv}"
requirements="$here/requirements-litellm.txt"
want="1.110.2"
python="${PYTHON:-python3}"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "install.sh: installing redis-server" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends redis-server
fi
# The suite starts its own redis-server on a free port; the Debian service is not needed.

installed_version() {  # $1: the venv
  [ -x "$1/bin/python" ] || return 1
  "$1/bin/python" - <<'PY' 2>/dev/null
from importlib.metadata import version
print(version("litellm"))
PY
}

install_venv() {  # $1: the venv, $2: the litellm version, $3: the requirements file
  if [ "$(installed_version "$1" || true)" = "$2" ] && [ -x "$1/bin/litellm" ]; then
    echo "install.sh: litellm $2 already in $1" >&2
  else
    echo "install.sh: creating $1 with litellm $2 and the proxy's dependencies" >&2
    [ -x "$1/bin/python" ] || "$python" -m venv "$1"
    "$1/bin/python" -m pip install --disable-pip-version-check -r "$3"
  fi
  "$1/bin/python" - <<'PY'
from importlib.metadata import version
print("litellm", version("litellm"), "| prometheus-client", version("prometheus-client"), "| redis", version("redis"))
PY
}

install_venv "$venv" "$want" "$requirements"
old_want="1.80.17"
old_venv="${AUTOFIX_LITELLM_OLD_VENV:-$HOME/.cache/autofix-litellm-$old_want-venv}"
install_venv "$old_venv" "$old_want" "$here/requirements-litellm-1.80.txt"
redis-server --version

pc_venv="${AUTOFIX_PRE_COMMIT_VENV:-$HOME/.cache/autofix-pre-commit-venv}"
pc_want="4.7.0"
if [ -x "$pc_venv/bin/pre-commit" ] && [ "$("$pc_venv/bin/pre-commit" --version 2>/dev/null)" = "pre-commit $pc_want" ]; then
  echo "install.sh: pre-commit $pc_want already in $pc_venv" >&2
else
  echo "install.sh: creating $pc_venv with pre-commit $pc_want" >&2
  [ -x "$pc_venv/bin/python" ] || "$python" -m venv "$pc_venv"
  "$pc_venv/bin/python" -m pip install -q --disable-pip-version-check "pre-commit==$pc_want"
fi
# The hook's environment is `pip install .` of the hook repository: autofix's dependencies and its build
# backend. Downloaded again only when pyproject.toml changes.
repo_root="$(cd "$here/../.." && pwd)"
wheelhouse="$pc_venv/wheelhouse"
want_stamp="$(sha256sum "$repo_root/pyproject.toml" | cut -d' ' -f1)"
if [ "$(cat "$wheelhouse/.pyproject.sha256" 2>/dev/null || true)" != "$want_stamp" ]; then
  echo "install.sh: filling $wheelhouse for the autofix hook" >&2
  rm -rf "$wheelhouse"
  mkdir -p "$wheelhouse"
  build_requires="$("$pc_venv/bin/python" - "$repo_root/pyproject.toml" <<'PY'
import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"]))
PY
)"
  # shellcheck disable=SC2086
  "$pc_venv/bin/python" -m pip download -q --disable-pip-version-check -d "$wheelhouse" $build_requires "$repo_root"
  echo "$want_stamp" >"$wheelhouse/.pyproject.sha256"
fi
"$pc_venv/bin/pre-commit" --version
