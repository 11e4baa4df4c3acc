# The runtime image is a build argument so that CI can swap distributions.
ARG GO_VERSION=1.22
ARG RUNTIME_IMAGE=debian:12-slim

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/scheduler ./cmd/scheduler

FROM ${RUNTIME_IMAGE}
COPY --from=build /bin/scheduler /usr/bin/scheduler
ENTRYPOINT ["scheduler"]
CMD ["run"]
