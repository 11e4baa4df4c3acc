FROM rust:1.77-bookworm AS build
WORKDIR /usr/src/indexer
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/src/indexer/target/release/indexer /usr/local/bin/indexer
ENV RUST_LOG=info
ENTRYPOINT ["/usr/local/bin/indexer"]
