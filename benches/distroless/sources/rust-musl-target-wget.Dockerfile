FROM rust:1.78-bookworm AS build
RUN rustup target add x86_64-unknown-linux-musl
WORKDIR /build
COPY . .
RUN cargo build --release --target x86_64-unknown-linux-musl

FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/target/x86_64-unknown-linux-musl/release/tracker /usr/bin/tracker
EXPOSE 9000
HEALTHCHECK --interval=15s CMD wget -qO- http://127.0.0.1:9000/health || exit 1
ENTRYPOINT ["/usr/bin/tracker"]
