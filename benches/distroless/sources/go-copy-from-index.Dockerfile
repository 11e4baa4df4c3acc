FROM golang:1.21-alpine
WORKDIR /build
COPY . .
RUN go build -o metrics-exporter .

FROM alpine:3.19
RUN apk add --no-cache ca-certificates
COPY --from=0 /build/metrics-exporter /bin/metrics-exporter
EXPOSE 9100
USER nobody
ENTRYPOINT ["/bin/metrics-exporter"]
