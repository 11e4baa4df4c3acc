FROM golang:1.22-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev
WORKDIR /src
COPY . .
ENV CGO_ENABLED=1
RUN go build -tags sqlite_omit_load_extension -o /out/ledger ./cmd/ledger

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ledger /usr/local/bin/ledger
VOLUME /var/lib/ledger
ENTRYPOINT ["/usr/local/bin/ledger", "--data", "/var/lib/ledger"]
