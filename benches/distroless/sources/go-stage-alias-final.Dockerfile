FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata && rm -rf /var/lib/apt/lists/*
ENV TZ=UTC

FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/billing ./cmd/billing

FROM runtime
WORKDIR /srv
COPY --from=build /out/billing ./billing
EXPOSE 8443
ENTRYPOINT ["./billing"]
