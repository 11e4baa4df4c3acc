# The mirror service shells out to git and ssh at run time.
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/mirror ./cmd/mirror

FROM alpine:3.19
RUN apk add --no-cache git openssh-client ca-certificates
RUN adduser -D -u 2000 mirror
COPY --from=build /out/mirror /usr/local/bin/mirror
USER mirror
ENTRYPOINT ["mirror"]
CMD ["--repos", "/etc/mirror/repos.yaml"]
