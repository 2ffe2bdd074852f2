# ghlmock's container image: the static binary that `make build` makes, and
# nothing else, run as a user that is not root.
#
#   docker build -t ghlmock --build-arg VERSION="$(git describe --tags --always --dirty)" .
#   docker run --rm -p 127.0.0.1:8080:8080 -e GHLMOCK_ADMIN_TOKEN="$(openssl rand -hex 16)" \
#     -v ghlmock-state:/var/lib/ghlmock ghlmock
#
# Flags come as GHLMOCK_<FLAG> variables (-e GHLMOCK_SEED=7) or after the
# image name (docker run … ghlmock serve --seed 7). The image listens on every
# interface, so serve requires an admin token (GHLMOCK_ADMIN_TOKEN). The state
# lives in the volume; -e GHLMOCK_STATE= (empty) serves from memory only.
# cmd/ghlmock's TestDockerfile runs this file's build commands and its
# command and health check against the binary they build.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# The same command as outside a container; state/ becomes the volume's
# directory, owned by the user the mock runs as (scratch has no mkdir).
RUN make build VERSION="${VERSION}" && mkdir -p state

FROM scratch
# CA certificates, for ghlmock contract against the real API.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/bin/ghlmock /ghlmock
COPY --from=build --chown=65532:65532 /src/state /var/lib/ghlmock
USER 65532:65532
# scratch has no /tmp: temporary files (SQLite's, Go's) go to the volume.
ENV GHLMOCK_ADDR=0.0.0.0:8080 \
    GHLMOCK_STATE=/var/lib/ghlmock/state.db \
    TMPDIR=/var/lib/ghlmock
VOLUME /var/lib/ghlmock
EXPOSE 8080
# ghlmock health reads GHLMOCK_ADDR as serve does, and asks on loopback.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["/ghlmock", "health"]
ENTRYPOINT ["/ghlmock"]
CMD ["serve"]
