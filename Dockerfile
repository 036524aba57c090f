# Build: cgo is required (mattn/go-sqlite3), so the builder has gcc.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN go build -tags sqlite_fts5 -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/qinqing .

# Run: a small Debian with the C library the binary links against, as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --uid 10001 --home /data --shell /usr/sbin/nologin qinqing \
	&& mkdir -p /data && chown qinqing /data
COPY --from=build /out/qinqing /usr/local/bin/qinqing
USER qinqing
WORKDIR /data
VOLUME ["/data"]
ENV QINQING_ADDR=0.0.0.0:8080 QINQING_DB=/data/qinqing.db TZ=Asia/Shanghai
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["qinqing"]
CMD ["serve"]
