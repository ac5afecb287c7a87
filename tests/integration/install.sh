#!/usr/bin/env bash
# Install what the integration suite needs; safe to run again (does nothing when all is there).
#   - redis-server (Debian package), when missing
#   - the LiteLLM proxy venv at ${AUTOFIX_LITELLM_VENV:-$HOME/.cache/autofix-litellm-venv},
#     with the pinned requirements, unless litellm 1.110.2 is already installed there
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
