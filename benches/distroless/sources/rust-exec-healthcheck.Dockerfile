FROM rust:1.77-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p svc

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libgcc-s1 && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 1500 svc && useradd --uid 1500 --gid svc svc
COPY --from=build /src/target/release/svc /usr/local/bin/svc
USER svc:svc
HEALTHCHECK --interval=20s CMD ["/usr/local/bin/svc", "health"]
ENTRYPOINT ["/usr/local/bin/svc"]
CMD ["serve"]
