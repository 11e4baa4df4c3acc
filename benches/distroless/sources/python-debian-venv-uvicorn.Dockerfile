FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv python3-pip
RUN python3 -m venv /venv
COPY requirements.txt /requirements.txt
RUN /venv/bin/pip install --no-cache-dir -r /requirements.txt
COPY api /srv/api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
RUN useradd --system api
COPY --from=build /venv /venv
COPY --from=build /srv/api /srv/api
WORKDIR /srv
USER api
CMD ["/venv/bin/uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8080"]
