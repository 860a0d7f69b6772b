# Folio's service as a container image: built in one stage, run from a small Debian
# image as a non-root user. Build from the repository's root:
#   docker build -t folio --build-arg FOLIO_BUILD_COMMIT=$(git rev-parse --short HEAD) .
# (Not built on Folio's own test machines, which have no container engine; the file is
# checked there only as text.)

FROM rust:1.91-bookworm AS build
WORKDIR /src
COPY . .
ARG FOLIO_BUILD_COMMIT=unknown
ENV FOLIO_BUILD_COMMIT=${FOLIO_BUILD_COMMIT}
RUN cargo build --release --locked -p folio-cli \
 && strip target/release/folio \
 && install -D -m 0755 target/release/folio /out/folio

FROM debian:bookworm-slim
# The bundled fonts (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, code) are
# inside the binary; these add Chinese, Japanese, Korean and colour emoji. Set
# EXTRA_FONTS="" for a smaller image.
ARG EXTRA_FONTS="fonts-noto-cjk fonts-noto-color-emoji"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates ${EXTRA_FONTS} \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin folio
COPY --from=build /out/folio /usr/local/bin/folio
USER 10001:10001
ENV FOLIO_BIND=0.0.0.0:8080
EXPOSE 8080
# No curl in the image: bash's /dev/tcp asks /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/folio"]
CMD ["serve"]
