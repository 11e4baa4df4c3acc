FROM rust:1.77-alpine AS builder
RUN apk add --no-cache musl-dev
WORKDIR /app
COPY . .
RUN cargo build --release --bin gateway

FROM alpine:3.19
RUN apk add --no-cache ca-certificates
COPY --from=builder /app/target/release/gateway /app/gateway
USER 1000
CMD ["/app/gateway", "--listen", "0.0.0.0:3000"]
