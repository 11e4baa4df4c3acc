FROM python:3.11-slim-bookworm AS wheels
WORKDIR /wheels
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libpq5 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheels /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY worker /srv/worker
WORKDIR /srv
HEALTHCHECK CMD curl -f http://localhost:8081/health || exit 1
CMD ["python", "-m", "worker", "--concurrency", "4"]
