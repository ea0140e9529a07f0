# naba: the Telegram bot in a slim image, running as a non-root user, the SQLite file on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NABA_DB=/data/naba.db \
    NABA_SEEDS=/app/seeds \
    NABA_WEBHOOK_LISTEN=0.0.0.0

WORKDIR /app
RUN useradd --create-home --uid 10001 naba && mkdir -p /data && chown naba:naba /data

# Dependencies first, so code edits don't reinstall them.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install .
COPY seeds ./seeds

USER naba
VOLUME ["/data"]
# Only used in webhook mode (NABA_WEBHOOK_URL set).
EXPOSE 8443

# Build the index from the seeds (and anything already stored) at start, then run the bot.
CMD ["sh", "-c", "python -m bot index && exec python -m bot run"]
