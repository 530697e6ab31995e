#!/usr/bin/env bash
# The production stack on one machine (`make serve`, docs/deploy.md):
#
#   1. migrate, compile_translations, collectstatic, load_places (each idempotent);
#   2. gunicorn with several workers (deploy/gunicorn.conf.py) on HOST:PORT, DEBUG off,
#      static files served by WhiteNoise;
#   3. TASK_WORKERS task workers (`manage.py db_worker`, TASKS_BACKEND=database) and
#      `manage.py recover_jobs --every RECOVER_EVERY` beside them (a job whose worker died is
#      queued again);
#
# until Ctrl-C (or SIGTERM), which stops all of them gracefully: gunicorn finishes the
# requests in progress, a worker the job it is running. If one of them stops on its own,
# the others are stopped too and the script exits with an error.
#
# Settings come from the environment (deploy/khuyencong.env.example lists them); KC_ENV_FILE
# may name a file of KEY=value lines (the same file systemd reads), the environment winning.
# Without SECRET_KEY a random one is kept in var/secret_key; without ALLOWED_HOSTS the
# addresses HOST is reached by are allowed; cookies are not marked Secure unless
# SECURE_COOKIES=1 (this script serves plain HTTP: put nginx with TLS in front, deploy/).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'serve: %s\n' "$*" >&2; }

if [ -n "${KC_ENV_FILE:-}" ]; then
  # shellcheck source=deploy/envfile.sh
  . deploy/envfile.sh
  kc_load_env_file "$KC_ENV_FILE" || exit 2
fi

PY=${KC_PYTHON:-.venv/bin/python}
GUNICORN=${KC_GUNICORN:-$(dirname "$PY")/gunicorn}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
TASK_WORKERS=${TASK_WORKERS:-1}
RECOVER_EVERY=${RECOVER_EVERY:-30}

if [ "${DEBUG:-0}" != 0 ]; then say "DEBUG=$DEBUG ignored: the production stack runs with DEBUG=0"; fi
export DEBUG=0
if [ "${TASKS_BACKEND:-database}" != database ]; then
  say "TASKS_BACKEND=$TASKS_BACKEND ignored: jobs go to the task workers (database)"
fi
export TASKS_BACKEND=database

VAR_DIR=${KC_VAR_DIR:-var}
mkdir -p "$VAR_DIR"
if [ -z "${SECRET_KEY:-}" ]; then
  KEY_FILE="$VAR_DIR/secret_key"
  if [ ! -s "$KEY_FILE" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$KEY_FILE")
    say "SECRET_KEY not set: a random one is kept in $KEY_FILE"
  fi
  SECRET_KEY=$(cat "$KEY_FILE")
  export SECRET_KEY
fi
if [ -z "${ALLOWED_HOSTS+set}" ]; then
  hosts="127.0.0.1,localhost"
  if [ "$HOST" = 0.0.0.0 ] || [ "$HOST" = "::" ]; then
    for address in $(hostname -I 2>/dev/null || true); do hosts="$hosts,$address"; done
    hosts="$hosts,$(hostname)"
  elif [ "$HOST" != 127.0.0.1 ] && [ "$HOST" != localhost ]; then
    hosts="$hosts,$HOST"
  fi
  export ALLOWED_HOSTS=$hosts
  say "ALLOWED_HOSTS not set: $ALLOWED_HOSTS"
fi
if [ -z "${SECURE_COOKIES+set}" ]; then
  export SECURE_COOKIES=0
  say "plain HTTP on $HOST:$PORT: cookies not marked Secure (behind TLS set SECURE_COOKIES=1)"
fi

say "preparing the database and the static files"
"$PY" manage.py migrate --noinput
"$PY" manage.py compile_translations
"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py load_places
# The uploads folder exists from the start (/healthz/ checks the free space there); exit
# status 3 when the database has no user yet.
set +e
"$PY" manage.py shell -c '
import sys
from pathlib import Path
from django.conf import settings
from django.contrib.auth import get_user_model
Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
sys.exit(0 if get_user_model().objects.exists() else 3)'
users=$?
set -e
if [ "$users" = 3 ]; then
  if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ] && [ -n "${DJANGO_SUPERUSER_PASSWORD:-}" ]; then
    "$PY" manage.py createsuperuser --noinput
  else
    say "no user yet: create an administrator with '$PY manage.py createsuperuser'"
  fi
elif [ "$users" != 0 ]; then
  exit "$users"
fi

# Each process in its own process group: Ctrl-C reaches this script only, which then asks
# each of them once to stop gracefully (a second signal would make a task worker abandon
# its job).
set -m
pids=()
stopping=0
stop() {
  stopping=1
  trap '' INT TERM
  say "stopping (gunicorn finishes its requests, the task workers their jobs)"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  exit "${1:-0}"
}
trap 'stop 0' INT TERM

GUNICORN_BIND="$HOST:$PORT" "$GUNICORN" --config deploy/gunicorn.conf.py &
pids+=($!)
for _ in $(seq 1 "$TASK_WORKERS"); do
  "$PY" manage.py db_worker --no-reload &
  pids+=($!)
done
"$PY" manage.py recover_jobs --every "$RECOVER_EVERY" &
pids+=($!)
say "serving http://$HOST:$PORT/ with $TASK_WORKERS task worker(s); Ctrl-C stops"

set +e
wait -n "${pids[@]}"
status=$?
set -e
if [ "$stopping" = 0 ]; then
  say "a process stopped (status $status): stopping the others"
  stop 1
fi
