FROM python:3.11-slim AS build
WORKDIR /build
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM python:3.11-slim
COPY --from=build /install /usr/local
COPY tasks /app/tasks
WORKDIR /app
ENV CELERY_LOG_LEVEL=info
CMD celery -A tasks worker --loglevel=$CELERY_LOG_LEVEL
