#!/usr/bin/env bash
# make run: serve the app on http://localhost:$PORT (default 8080).
#
# Without DATASTORE_EMULATOR_HOST, start the Datastore emulator (keeping its
# data in .datastore/, so a restart of the app loses no session), wait until
# it answers, and stop it again when the app exits (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

export PORT="${PORT:-8080}"
emulator_pid=""

stop_emulator() {
  if [ -n "$emulator_pid" ]; then
    kill -- "-$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    echo "run: stopped the Datastore emulator"
  fi
}
trap stop_emulator EXIT

# install_hint says how to install the Datastore emulator (and the Firestore
# one, which make test needs) for the way the Cloud CLI was installed: the
# Debian and Ubuntu packages, under /usr/lib/google-cloud-sdk, disable the
# component manager. It runs gcloud, so only when something has failed.
install_hint() {
  local emulators="google-cloud-cli-datastore-emulator google-cloud-cli-firestore-emulator"
  local components="cloud-datastore-emulator cloud-firestore-emulator beta"
  local root=""
  if command -v gcloud >/dev/null 2>&1; then
    root="$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)"
  fi
  case "$root" in
    "")
      echo "run: install the Google Cloud CLI with its emulators and Java 21 or newer:" >&2
      echo "run:   from Debian or Ubuntu packages: apt-get install google-cloud-cli $emulators" >&2
      echo "run:   otherwise: gcloud components install $components" >&2 ;;
    /usr/lib/google-cloud-sdk | /usr/lib/google-cloud-sdk/*)
      echo "run: this Cloud CLI comes from Debian packages (its component manager is disabled):" >&2
      echo "run:   apt-get install $emulators   (and Java 21 or newer)" >&2 ;;
    *)
      echo "run: install the emulators: gcloud components install $components   (and Java 21 or newer)" >&2 ;;
  esac
  if ! command -v java >/dev/null 2>&1; then
    echo "run: java is not on PATH; the emulators need Java 21 or newer: apt-get install openjdk-21-jre-headless," >&2
    echo "run:   or, where the release has no such package, Temurin 21 from https://adoptium.net/" >&2
  fi
}

# emulator_answers reports whether the emulator at DATASTORE_EMULATOR_HOST
# (host:port) answers GET / with its "Ok". It speaks HTTP through bash's own
# /dev/tcp, so make run needs no curl. The emulator keeps the connection open
# after its answer, so this reads the status line, the headers and the first
# line of the body rather than waiting for the end; HTTP/1.0, so the body is
# not sent in chunks. A port that takes the connection but says nothing gets
# 1 s. Run in a subshell, so that file descriptor 3 closes with it.
emulator_answers() (
  exec 3<>"/dev/tcp/${DATASTORE_EMULATOR_HOST%:*}/${DATASTORE_EMULATOR_HOST##*:}" || exit 1
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$DATASTORE_EMULATOR_HOST" >&3 || exit 1
  IFS= read -r -t 1 -u 3 status || exit 1
  [[ "$status" == "HTTP/1."[01]" 200"* ]] || exit 1
  while IFS= read -r -t 1 -u 3 header && [ "${header%$'\r'}" != "" ]; do :; done
  body=""
  IFS= read -r -t 1 -u 3 body || true # "Ok" may end the stream without a newline
  [ "${body%$'\r'}" = "Ok" ]
) 2>/dev/null

if [ -z "${DATASTORE_EMULATOR_HOST:-}" ]; then
  if ! command -v gcloud >/dev/null 2>&1; then
    echo "run: the Google Cloud CLI (gcloud) is not installed, and DATASTORE_EMULATOR_HOST is not set." >&2
    install_hint
    exit 1
  fi
  emulator_port="${DATASTORE_EMULATOR_PORT:-8081}"
  if (exec 3<>"/dev/tcp/127.0.0.1/$emulator_port") 2>/dev/null; then
    echo "run: port $emulator_port is taken; set DATASTORE_EMULATOR_PORT to a free one," >&2
    echo "run: or DATASTORE_EMULATOR_HOST=127.0.0.1:$emulator_port if that is a running emulator." >&2
    exit 1
  fi
  export DATASTORE_EMULATOR_HOST="127.0.0.1:$emulator_port"
  export DATASTORE_PROJECT_ID="${DATASTORE_PROJECT_ID:-local-sessions}"
  mkdir -p .datastore
  echo "run: starting the Datastore emulator on $DATASTORE_EMULATOR_HOST (data in .datastore/)"
  setsid gcloud beta emulators datastore start --consistency=1.0 \
    --host-port="$DATASTORE_EMULATOR_HOST" --project="$DATASTORE_PROJECT_ID" \
    --data-dir="$PWD/.datastore" >.datastore/emulator.log 2>&1 &
  emulator_pid=$!
  deadline=$((SECONDS + 60))
  until emulator_answers; do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
      echo "run: the emulator exited; its log is .datastore/emulator.log" >&2
      if [ ! -d "$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null)/platform/cloud-datastore-emulator" ] ||
        ! command -v java >/dev/null 2>&1; then
        install_hint
      fi
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run: the emulator did not answer within 60 s; its log is .datastore/emulator.log" >&2
      exit 1
    fi
    sleep 0.1
  done
fi

bin_dir="$(mktemp -d)"
go build -o "$bin_dir/sessions-go" .
echo "run: serving on http://localhost:$PORT (Ctrl-C stops)"
"$bin_dir/sessions-go" &
app_pid=$!
trap 'kill -TERM "$app_pid" 2>/dev/null || true' INT TERM
wait "$app_pid" || true
wait "$app_pid" 2>/dev/null || true
rm -rf "$bin_dir"
