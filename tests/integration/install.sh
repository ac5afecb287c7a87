#!/usr/bin/env bash
# Install what the integration suite needs; safe to run again (does nothing when all is there).
#   - redis-server (Debian package), when missing
#   - the LiteLLM proxy venv at ${AUTOFIX_LITELLM_VENV:-$HOME/.cache/autofix-litellm-venv},
#     with the pinned requirements, unless litellm 1.110.2 is already installed there
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

installed_version() {
  [ -x "$venv/bin/python" ] || return 1
  "$venv/bin/python" - <<'PY' 2>/dev/null
from importlib.metadata import version
print(version("litellm"))
PY
}

if [ "$(installed_version || true)" = "$want" ] && [ -x "$venv/bin/litellm" ]; then
  echo "install.sh: litellm $want already in $venv" >&2
else
  echo "install.sh: creating $venv with litellm $want and the proxy's dependencies" >&2
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -r "$requirements"
fi

"$venv/bin/python" - <<'PY'
from importlib.metadata import version
print("litellm", version("litellm"), "| prometheus-client", version("prometheus-client"), "| redis", version("redis"))
PY
redis-server --version
