# Python on Amazon Linux 2023, one file for every version: the matrix passes VERSION and the dnf package names.
# The base is multi-arch; docker build --platform picks the architecture (no arch-suffixed base tags).
ARG BASE_IMAGE=public.ecr.aws/amazonlinux/amazonlinux:2023
FROM ${BASE_IMAGE}

ARG VERSION
ARG PYTHON_PACKAGE=python${VERSION}
ARG PIP_PACKAGE=${PYTHON_PACKAGE}-pip

# pip from the distribution's package (no curl | python); caches cleaned in the same layer.
RUN dnf install -y --setopt=install_weak_deps=False "${PYTHON_PACKAGE}" "${PIP_PACKAGE}" \
 && dnf clean all \
 && rm -rf /var/cache/dnf \
 && ln -sf "/usr/bin/python${VERSION}" /usr/local/bin/python \
 && ln -sf "/usr/bin/pip${VERSION}" /usr/local/bin/pip

ENTRYPOINT ["python"]
