#!/usr/bin/env bash
# manage.py with an installation's settings (docs/deploy.md):
#   sudo -u khuyencong /opt/khuyencong/deploy/manage.sh migrate
# reads KC_ENV_FILE (default /etc/khuyencong/env) the way systemd does, then runs manage.py
# with the project's virtual environment. The environment wins over the file.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/envfile.sh
. deploy/envfile.sh
kc_load_env_file "${KC_ENV_FILE:-/etc/khuyencong/env}"
exec "${KC_PYTHON:-.venv/bin/python}" manage.py "$@"
