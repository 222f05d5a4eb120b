# runon-bot in a container: docker build -t runon-bot . (see README, "Running it for real").
# The image holds the installed wheel only; the state (database, backups, heartbeat) lives in the
# /data volume, and the token comes from the environment (never baked into the image).
#
# Supply chain: every Python package is installed from constraints.txt with --require-hashes (exact versions,
# SHA-256 of every file), the build tool from constraints-build.txt the same way.
#
# The base image is NOT pinned by digest yet: the machine this was written on reaches PyPI, Debian and npm only,
# not a container registry, so no digest could be read and verified, and none is invented here. Pin it where a
# registry is reachable, and again whenever you take a newer Python patch release:
#   docker pull python:3.11-slim && docker inspect --format '{{index .RepoDigests 0}}' python:3.11-slim
# then build with --build-arg PYTHON_IMAGE=<that python@sha256:… reference>, or write it in the default below.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY constraints-build.txt ./
RUN pip install --no-cache-dir --require-hashes -r constraints-build.txt
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A fixed, unprivileged user; /data is its home and the only place it writes.
RUN groupadd --system --gid 10001 runon \
 && useradd --system --uid 10001 --gid runon --home-dir /data --shell /usr/sbin/nologin runon \
 && mkdir /data && chown runon:runon /data && chmod 700 /data
# The dependencies first, each checked against its hash; then the bot's own wheel (built above, no download),
# and pip check proves the pinned set satisfies everything the wheel declares.
COPY constraints.txt /tmp/constraints.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r /tmp/constraints.txt && rm /tmp/constraints.txt
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-deps --no-index /wheels/*.whl && rm -rf /wheels && pip check
USER runon
# The working directory is the state folder: the database defaults to /data/var/runon.sqlite3, a
# .env here would be read, and `runon-bot backup var/backups/` writes beside the database.
WORKDIR /data
VOLUME ["/data"]
# SIGTERM stops the bot cleanly within 10 s (docker stop's default grace period).
STOPSIGNAL SIGTERM
# Healthy while the bot is connected to Discord: it rewrites var/runon.health every 20 s (with SQLite or
# PostgreSQL alike; the bot creates var/ 0700 on start).
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["runon-bot", "health"]
ENTRYPOINT ["runon-bot"]
CMD ["run"]
