FROM golang:1.22-bookworm AS builder
WORKDIR /workspace
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -o /workspace/bin/inventory ./cmd/inventory

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --no-create-home inventory
COPY --from=builder /workspace/bin/inventory /opt/inventory/inventory
COPY configs/inventory.yaml /etc/inventory/inventory.yaml
USER inventory
EXPOSE 9090
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:9090/healthz || exit 1
ENTRYPOINT ["/opt/inventory/inventory", "--config", "/etc/inventory/inventory.yaml"]
