FROM golang:1.22
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /usr/local/bin/shortener ./cmd/shortener
EXPOSE 8000
CMD ["/usr/local/bin/shortener", "-addr", ":8000"]
