# naba: the Telegram bot in a slim image, running as a non-root user, the SQLite file on a volume.
# Build and run: docker build -t naba . && docker run --env-file .env -v naba-data:/data naba
# tests/test_docker.py checks this file and .env.example statically (no Docker engine there).
FROM python:3.11-slim

# The paths are the image's own: .env.example leaves NABA_DB, NABA_SEEDS and
# NABA_WEBHOOK_LISTEN commented out, so `--env-file .env` does not replace them.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NABA_DB=/data/naba.db \
    NABA_SEEDS=/app/seeds \
    NABA_WEBHOOK_LISTEN=0.0.0.0

WORKDIR /app
# /app stays root's (read-only to the bot); /data, NABA_DB's folder, is the naba user's.
RUN useradd --create-home --uid 10001 naba && mkdir -p /data && chown naba:naba /data

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install .
COPY seeds ./seeds

USER naba
# A named volume starts as a copy of /data above, owned by naba. A bind-mounted host folder
# keeps its host owner: it must be writable by uid 10001, or naba stops with one line
# naming NABA_DB.
VOLUME ["/data"]
# Only used in webhook mode (NABA_WEBHOOK_URL set).
EXPOSE 8443

# Build the index from the seeds (and anything already stored) at start, then run the bot.
CMD ["sh", "-c", "python -m bot index && exec python -m bot run"]
