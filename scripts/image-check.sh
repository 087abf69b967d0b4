#!/usr/bin/env bash
# `make image-check`: build the Dockerfile with podman and check the image without running a
# container (this machine cannot run one): mount a container's file system and run heroes-bot
# in a chroot, as the image's own non-root user and with the image's own environment.
#
# No image registry is reachable here, so the base image is made from Debian's packages with
# mmdebstrap and passed as the BASE build argument (the Dockerfile's default, python:3.11-slim,
# is what a normal `docker build` uses). Needs root, podman and mmdebstrap:
#   apt-get install podman mmdebstrap
# --if-available: where any of them is missing, say "image-check: skipped (...)" and exit 0
# (CI runs it so; it never installs anything).
# Settings (environment):
#   IMAGE_CHECK_BASE=image      use this base instead of making one (e.g. python:3.11-slim)
#   IMAGE_CHECK_NEW_BASE=1      make the Debian base again even if localhost/heroes-base exists
#   IMAGE_CHECK_EXTRAS=postgres build with --build-arg EXTRAS=postgres (and check asyncpg)
#   IMAGE_CHECK_CONTEXT=folder  build from this folder (default: this checkout, as it is now)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=localhost/heroes-bot:check
DEBIAN_BASE=localhost/heroes-base
SUITE=stable
MIRROR=http://deb.debian.org/debian
BOT_UID=10001
# A made-up token of the right shape (id.timestamp.hmac) for doctor's offline checks: never
# valid, never stored in the image (only this chroot's environment sees it).
FAKE_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"

say() { printf 'image-check: %s\n' "$*"; }
fail() {
    printf 'image-check: FAILED: %s\n' "$*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null || fail "$1 is not installed (apt-get install $2)"
}

# The Debian base: python3 and its venv module from apt, imported as a local image.
make_debian_base() {
    if [[ "${IMAGE_CHECK_NEW_BASE:-}" != 1 ]] && podman image exists "$DEBIAN_BASE"; then
        say "base: $DEBIAN_BASE (already made; IMAGE_CHECK_NEW_BASE=1 makes it again)"
        return
    fi
    need mmdebstrap mmdebstrap
    local tarball="$WORK/base.tar" hooks=() local_cas
    # This machine's own certificate authorities (a proxy's, say): pip inside the build
    # reaches the package index through the same network as this machine.
    local_cas=(/usr/local/share/ca-certificates/*.crt)
    if [[ -e "${local_cas[0]}" ]]; then
        hooks+=(--customize-hook="copy-in ${local_cas[*]} /usr/local/share/ca-certificates"
            --customize-hook='chroot "$1" update-ca-certificates --fresh >/dev/null 2>&1')
    fi
    say "base: mmdebstrap $SUITE (python3, python3-venv, ca-certificates) -> $DEBIAN_BASE"
    mmdebstrap --quiet --variant=apt --include=python3,python3-venv,ca-certificates \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' "${hooks[@]}" \
        "$SUITE" "$tarball" "$MIRROR"
    podman import --quiet \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]' "$tarball" "$DEBIAN_BASE" >/dev/null
    rm -f "$tarball"
}

build_image() {
    local base=$1 started elapsed
    local args=(--isolation=chroot --format=docker --build-arg "BASE=$base" -t "$IMAGE")
    [[ -n "${IMAGE_CHECK_EXTRAS:-}" ]] && args+=(--build-arg "EXTRAS=$IMAGE_CHECK_EXTRAS")
    local context=${IMAGE_CHECK_CONTEXT:-.}
    say "building $IMAGE from $base ($context)"
    local previous
    previous=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
    started=$(date +%s)
    podman build "${args[@]}" "$context" >"$WORK/build.log" 2>&1 || {
        tail -n 40 "$WORK/build.log" >&2
        fail "podman build (the last 40 lines are above)"
    }
    elapsed=$(($(date +%s) - started))
    # The last check's image, now untagged: its venv layer is this build's size again on disk.
    local built
    built=$(podman image inspect --format '{{.Id}}' "$IMAGE")
    if [[ -n "$previous" && "$previous" != "$built" ]]; then
        podman rmi "$previous" >/dev/null 2>&1 || true
    fi
    say "built in ${elapsed}s, size $(podman image inspect --format '{{.Size}}' "$IMAGE" |
        awk '{printf "%.0f MB", $1 / 1000000}')"
}

# What `docker inspect` would show: the user, health check, volume, stop signal, entry point;
# no token anywhere in the image's configuration or in the commands that built its layers.
check_config() {
    podman image inspect "$IMAGE" >"$WORK/inspect.json"
    podman history --no-trunc --format '{{.CreatedBy}}' "$IMAGE" >"$WORK/history.txt"
    python3 - "$WORK/inspect.json" "$WORK/history.txt" <<'PY' || fail "image configuration"
import json, sys

image = json.load(open(sys.argv[1]))[0]
config = image["Config"]
history = open(sys.argv[2]).read()
health = image.get("Healthcheck") or config.get("Healthcheck") or {}
problems = []
user = config.get("User", "")
if user.split(":")[0] in ("", "0", "root"):
    problems.append(f"runs as root (User={user!r})")
if "heroes-bot health" not in " ".join(health.get("Test", [])):
    problems.append(f"no HEALTHCHECK running `heroes-bot health` ({health!r})")
if "/data" not in (config.get("Volumes") or {}):
    problems.append("no VOLUME /data")
if config.get("StopSignal") not in ("SIGTERM", "15"):
    problems.append(f"stop signal {config.get('StopSignal')!r}, not SIGTERM")
if config.get("Entrypoint") != ["heroes-bot"] or config.get("Cmd") != ["run"]:
    problems.append(f"entry point {config.get('Entrypoint')} {config.get('Cmd')}")
if "HEROES_HOME=/data" not in config.get("Env", []):
    problems.append("HEROES_HOME is not /data")
if any("DISCORD_TOKEN" in v for v in config.get("Env", [])) or "DISCORD_TOKEN" in history:
    problems.append("DISCORD_TOKEN appears in the image's environment or history")
for problem in problems:
    print(f"image-check: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
    say "config: user $(podman image inspect --format '{{.Config.User}}' "$IMAGE"), health check," \
        "VOLUME /data, SIGTERM, no token in env or history"
}

# heroes-bot inside the image's file system, as its user, with only the image's environment.
in_image() {
    local env_args
    mapfile -t env_args < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' \
        "$IMAGE" | sed '/^$/d')
    (cd / && chroot --userspec="$BOT_UID:$BOT_UID" "$ROOT" /usr/bin/env -i "${env_args[@]}" \
        HOME=/data "$@")
}

# expect STATUS WHAT PATTERN COMMAND...: run COMMAND in the image, show its output, and fail
# unless it exits with STATUS and prints a line matching PATTERN.
expect() {
    local want=$1 what=$2 pattern=$3
    shift 3
    local out status=0
    out=$(in_image "$@" 2>&1) || status=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    [[ $status == "$want" ]] || fail "$what: exited $status, not $want"
    grep -qE "$pattern" <<<"$out" || fail "$what: no line matches /$pattern/"
    say "ok: $what"
}

check_commands() {
    expect 0 "heroes-bot --version" '^heroes-bot [0-9]' heroes-bot --version
    # First use of the empty /data volume: the bot's user creates, migrates and seeds the
    # database from the package data inside the wheel (the seed has one sequel update).
    expect 0 "database made and seeded on /data by uid $BOT_UID" '^#1 ' heroes-bot news list
    [[ "$(stat -c %u "$ROOT/data/heroes.db")" == "$BOT_UID" ]] ||
        fail "/data/heroes.db is missing or not owned by uid $BOT_UID"
    expect 0 "heroes-bot backup" 'integrity ok' heroes-bot backup /data/check-backup.db
    expect 1 "heroes-bot health with no bot running" 'no bot is running' heroes-bot health
    if [[ "${IMAGE_CHECK_EXTRAS:-}" == postgres ]]; then
        expect 0 "asyncpg (EXTRAS=postgres)" '^asyncpg ' \
            python3 -c 'import asyncpg; print("asyncpg", asyncpg.__version__)'
    fi
    check_doctor
}

# `heroes-bot doctor` (issue 13 part 2) checks the settings, the token's shape, the database and
# file permissions: given a token of the right shape, all must pass in a fresh image.
check_doctor() {
    expect 0 "heroes-bot doctor" '✓' env DISCORD_TOKEN="$FAKE_TOKEN" heroes-bot doctor
}

# Only the virtual environment came from the builder, owned by root; /data is the bot's alone.
check_layout() {
    [[ ! -e "$ROOT/src" ]] || fail "the builder's source tree /src is in the image"
    [[ "$(stat -c %u "$ROOT/opt/heroes-bot/bin/heroes-bot")" == 0 ]] ||
        fail "/opt/heroes-bot is not owned by root"
    [[ "$(stat -c '%u %a' "$ROOT/data")" == "$BOT_UID 700" ]] ||
        fail "/data is not uid $BOT_UID, mode 700: $(stat -c '%u %a' "$ROOT/data")"
    say "ok: layout (no source tree, /opt/heroes-bot owned by root, /data private to $BOT_UID)"
}

cleanup() {
    if [[ -n "${CONTAINER:-}" ]]; then
        podman umount "$CONTAINER" >/dev/null 2>&1 || true
        podman rm --force --volumes "$CONTAINER" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}

# What this machine lacks for the check ("" when nothing): podman, root, and mmdebstrap unless
# IMAGE_CHECK_BASE names a base image.
missing() {
    if ! command -v podman >/dev/null; then
        echo "podman not installed"
    elif [[ $EUID != 0 ]]; then
        echo "not root"
    elif [[ -z "${IMAGE_CHECK_BASE:-}" ]] && ! command -v mmdebstrap >/dev/null &&
        ! podman image exists "$DEBIAN_BASE"; then
        echo "mmdebstrap not installed"
    fi
}

main() {
    local lacking started
    lacking=$(missing)
    if [[ -n "$lacking" && "${1:-}" == --if-available ]]; then
        say "skipped ($lacking)"  # CI: never a failure, never an install
        return 0
    fi
    [[ -z "$lacking" ]] || fail "$lacking: run as root with podman and mmdebstrap installed" \
        "(apt-get install podman mmdebstrap)"
    started=$(date +%s)
    WORK=$(mktemp -d)
    trap cleanup EXIT
    local base=${IMAGE_CHECK_BASE:-}
    if [[ -z "$base" ]]; then
        make_debian_base
        base=$DEBIAN_BASE
    fi
    build_image "$base"
    check_config
    # A created (never started) container: its file system is writable, as /data would be.
    CONTAINER=$(podman create --quiet "$IMAGE")
    ROOT=$(podman mount "$CONTAINER")
    check_layout
    check_commands
    local elapsed=$(($(date +%s) - started))
    say "passed in ${elapsed}s"
    if ((elapsed > 300)); then
        say "note: this took over 5 minutes (making the base? IMAGE_CHECK_NEW_BASE unset reuses it)"
    fi
}

main "$@"
