# heroes-bot in a container: the locked, hashed dependencies (asyncpg included, for PostgreSQL),
# the bot installed in place (its data/ folder and seed stay beside it), run as a non-root user.
# Used by deploy/compose.yaml; settings come from the environment (.env is not copied in).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements-tools.lock requirements.lock requirements-postgres.lock ./
RUN python -m pip install --require-hashes -r requirements-tools.lock \
 && python -m pip install --require-hashes -r requirements-postgres.lock

COPY . .
RUN python -m pip install --no-deps --no-build-isolation -e . \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin heroes \
 && mkdir -p /app/data \
 && chown heroes /app/data

USER heroes
ENTRYPOINT ["heroes-bot"]
CMD ["run"]
