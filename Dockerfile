# The verdict bot in a container: `docker build -t verdict .`, then run it with its tokens in
# the environment (never baked in) and its data on a volume (README: Running it for real).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Install the bot (and the bundled catalogue, which the wheel carries) from the project's files.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY catalogue ./catalogue
RUN pip install --no-cache-dir /src && rm -rf /src

# A user of its own, with no login and no home but the data folder.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin verdict \
    && mkdir -p /data && chown verdict /data
USER 10001
WORKDIR /data
VOLUME ["/data"]

# SQLite on the volume by default; set VERDICT_DB=postgresql://… to share one database.
ENV VERDICT_DB=/data/verdict.db \
    PORT=3000 \
    HOST=0.0.0.0 \
    VERDICT_WEB_HOST=0.0.0.0 \
    XDG_STATE_HOME=/data/.state
EXPOSE 3000 8080

# One health check for every mode: the running bot rewrites a heartbeat file from its event
# loop (Discord and Slack's Socket Mode while connected, which listen on no port), and where it
# serves HTTP (Slack's HTTP mode, the web pages) the check also asks its /healthz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["verdict", "health"]

ENTRYPOINT ["verdict"]
CMD ["slack"]
