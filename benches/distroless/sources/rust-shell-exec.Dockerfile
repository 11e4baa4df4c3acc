FROM rust:1.76-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release

FROM debian:bookworm-slim
COPY --from=build /src/target/release/relay /usr/local/bin/relay
COPY relay.toml /etc/relay/relay.toml
CMD exec /usr/local/bin/relay --config /etc/relay/relay.toml
