# Sourced (bash): one definition of how a container that is not --privileged gets cgroups a nested dockerd can use.
# Docker mounts the cgroup v1 hierarchies read-only there, so the inner dockerd could start but run no container
# ("mkdir /sys/fs/cgroup/cpuset/docker: read-only file system"). Mount them afresh, and make this container's own
# cgroup the parent of the inner engine's containers (their cgroups stay inside this container's, and go with it).
# Used by LocalBatch's node containers (NodeScript embeds this file) and by tests/fresh-machine's containers.
writable_cgroups() {
  local own mount options controller
  own="$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3; exit }' /proc/self/cgroup)"
  while read -r mount options; do
    controller="${options##*,}"
    [[ "$controller" == name=* ]] && controller="none,$controller"
    umount "$mount" && mount -t cgroup -o "$controller" cgroup "$mount"
  done < <(awk '$3 == "cgroup" && $4 ~ /^ro,/ { print $2, $4 }' /proc/mounts)
  mkdir -p /etc/docker && echo "{ \"cgroup-parent\": \"${own:-/docker}\" }" > /etc/docker/daemon.json
}
