# Builds like python.Dockerfile for amd64 and fails for arm64v8: a version broken on one architecture (LocalBatchTests).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG ARCH
RUN if [ "${ARCH}" = "arm64v8" ]; then echo "this version does not build for ${ARCH}" >&2; exit 3; fi
ENTRYPOINT ["python3"]
