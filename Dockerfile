# runon-bot in a container: docker build -t runon-bot . (see README, "Running it for real").
# The image holds the installed wheel only; the state (database, backups, heartbeat) lives in the
# /data volume, and the token comes from the environment (never baked into the image).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A fixed, unprivileged user; /data is its home and the only place it writes.
RUN groupadd --system --gid 10001 runon \
 && useradd --system --uid 10001 --gid runon --home-dir /data --shell /usr/sbin/nologin runon \
 && mkdir /data && chown runon:runon /data && chmod 700 /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER runon
# The working directory is the state folder: the database defaults to /data/var/runon.sqlite3, a
# .env here would be read, and `runon-bot backup var/backups/` writes beside the database.
WORKDIR /data
VOLUME ["/data"]
# SIGTERM stops the bot cleanly within 10 s (docker stop's default grace period).
STOPSIGNAL SIGTERM
# Healthy while the bot is connected to Discord: it rewrites var/runon.health every 20 s.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["runon-bot", "health"]
ENTRYPOINT ["runon-bot"]
CMD ["run"]
