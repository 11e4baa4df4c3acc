FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/worker ./cmd/worker

FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /var/spool/worker && chown 10001:10001 /var/spool/worker
COPY --from=build --chown=10001:10001 /out/worker /app/worker
USER 10001
ENTRYPOINT ["/usr/bin/tini", "--", "/app/worker"]
CMD ["--queue", "default"]
