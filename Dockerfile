# heroes-bot in a container (README, Running it in Docker):
#   docker build -t heroes-bot .                       # add --build-arg EXTRAS=postgres for asyncpg
#   docker run -d --name heroes-bot -v heroes-data:/data --env-file .env heroes-bot
# Two stages: the builder installs the locked, hashed dependencies and a wheel of the bot into a
# virtual environment; the final image holds only that environment and the base's Python, and
# runs as an unprivileged user. The token and other settings come from the environment at run
# time: none is baked in (.env is never copied, see .dockerignore).
#
# BASE: any Debian-like image with Python >= 3.11 and its venv module. The default is the public
# slim image (python at /usr/local/bin); scripts/image-check.sh passes a Debian base made with
# mmdebstrap (python3 and python3-venv from apt, at /usr/bin), so nothing here names a path to
# Python: both stages run `python3` from PATH, and the same BASE keeps the venv's link valid.
ARG BASE=python:3.11-slim

FROM ${BASE} AS builder
# "" (SQLite only) or "postgres" (adds asyncpg from requirements-postgres.lock).
ARG EXTRAS=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python3 -m venv /opt/heroes-bot
WORKDIR /src
# The locks first, so a change to the code alone reuses the dependency layer.
COPY requirements-tools.lock requirements.lock requirements-postgres.lock ./
# Every file pip installs is checked against the lock's hashes; pip and setuptools themselves
# too (setuptools builds the wheel below, without an isolated build environment).
RUN /opt/heroes-bot/bin/python -m pip install --quiet --require-hashes -r requirements-tools.lock \
 && /opt/heroes-bot/bin/python -m pip install --quiet --require-hashes -r requirements.lock \
 && case "$EXTRAS" in \
      "") ;; \
      postgres) /opt/heroes-bot/bin/python -m pip install --quiet --require-hashes \
                  -r requirements-postgres.lock ;; \
      *) echo "EXTRAS must be empty or postgres, not '$EXTRAS'" >&2; exit 1 ;; \
    esac
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY discord_emulator ./discord_emulator
COPY data ./data
# A real wheel, not an editable install: the seed and migrations travel as package data, and the
# source tree stays behind in this stage. --no-deps: the lock above already installed them all.
# setuptools only builds the wheel: it is not carried into the final image.
RUN /opt/heroes-bot/bin/python -m pip wheel --quiet --no-deps --no-build-isolation \
      --wheel-dir /tmp/wheels . \
 && /opt/heroes-bot/bin/python -m pip install --quiet --no-deps /tmp/wheels/heroes_bot-*.whl \
 && /opt/heroes-bot/bin/python -m pip uninstall --quiet --yes setuptools \
 && /opt/heroes-bot/bin/heroes-bot --version

FROM ${BASE}
# The bot's own user and group, with a fixed id so a bind-mounted /data can be chowned to match
# (chown 10001:10001). Written directly: a minimal Debian base has no useradd.
RUN echo "heroes:x:10001:10001:heroes-bot:/data:/usr/sbin/nologin" >> /etc/passwd \
 && echo "heroes:x:10001:" >> /etc/group \
 && mkdir -p /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
# Owned by root: the bot cannot change its own code.
COPY --from=builder /opt/heroes-bot /opt/heroes-bot
# HEROES_HOME: an installed bot keeps its database (heroes.db) and an optional .env there
# (bot/config.py, default_locations). DATABASE_PATH is deliberately not set here: it would
# clash with a DATABASE_URL given at run time, and a relative DATABASE_PATH from .env is
# already taken from HEROES_HOME, so either way the database lives on the /data volume.
ENV PATH=/opt/heroes-bot/bin:$PATH \
    HEROES_HOME=/data \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
VOLUME /data
WORKDIR /data
USER 10001:10001
# A running bot writes a heartbeat every 30 s; `health` exits 0 while one is fresh with the
# gateway up. --this-host: only this container's own bot counts (shards sharing one PostgreSQL
# database each write theirs). The start period covers the first login and command sync.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD heroes-bot health --this-host || exit 1
# The bot stops cleanly on SIGTERM within 10 s: give `docker stop` -t 15 (compose does).
STOPSIGNAL SIGTERM
ENTRYPOINT ["heroes-bot"]
CMD ["run"]
