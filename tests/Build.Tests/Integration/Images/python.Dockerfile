# A real Python image on the Debian base the tests publish (see DebianBase.cs).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG VERSION
ARG ARCH
LABEL runtime="python${VERSION}"
# Runs under qemu for arm64v8: proves the emulated build works, and records what it ran on.
RUN python3 -c "import platform, sys; print(sys.version.split()[0], platform.machine())" > /etc/python-image \
 && echo "${VERSION} ${ARCH}" >> /etc/python-image
ENTRYPOINT ["python3"]
