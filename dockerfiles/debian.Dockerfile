# Python from Debian bookworm, on the base that `./build.sh --target=BaseImage` makes with mmdebstrap and publishes
# to the target registry (--matrix=dockerfiles/local.json): runs where no public registry is reachable.
# Debian's python3 (3.11), pip from python3-pip, `python` from python-is-python3, all in the base.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}

ARG VERSION
ARG ARCH
LABEL runtime="python${VERSION}"

ENTRYPOINT ["python"]
