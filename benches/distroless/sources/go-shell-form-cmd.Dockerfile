FROM golang:1.21 AS build
WORKDIR /go/src/app
COPY . .
RUN go build -o /go/bin/notifier .

FROM alpine:3.18
WORKDIR /app
COPY --from=build /go/bin/notifier /app/notifier
COPY templates /app/templates
CMD /app/notifier -templates /app/templates -listen :7000
