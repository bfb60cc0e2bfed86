# LEGACY: Python 3.7 and 3.8 on Amazon Linux 2, as the original write-up built them. Amazon Linux 2 reached end of
# support on 2026-06-30; dockerfiles/legacy.json marks these entries legacy and a build of one prints a warning.
# As in the original, the base is picked by an arch-prefixed official-image repository (amd64/..., arm64v8/...).
ARG ARCH=amd64
FROM ${ARCH}/amazonlinux:2

ARG VERSION
LABEL version="${VERSION}" runtime="python${VERSION}"

# Upgrade, install the Python (3.7 is AL2's python3; 3.8 comes from amazon-linux-extras), give it pip, keep yum on
# Python 2 once `python` means the new one, then clean the caches in the same layer.
RUN yum -y upgrade \
 && if [ "${VERSION}" = "3.7" ]; then yum -y install python3 python3-pip; else amazon-linux-extras install -y "python${VERSION}"; fi \
 && sed -i 's|^#!/usr/bin/python$|#!/usr/bin/python2|' /usr/bin/yum /usr/libexec/urlgrabber-ext-down \
 && ln -sf "/usr/bin/python${VERSION}" /usr/bin/python \
 && ln -sf "/usr/bin/pip${VERSION}" /usr/bin/pip \
 && yum clean all \
 && rm -rf /var/cache/yum

ENTRYPOINT ["python"]
