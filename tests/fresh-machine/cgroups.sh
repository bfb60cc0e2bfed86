# Sourced first by the scripts that run inside the test's containers. A container here cannot be --privileged, and
# Docker mounts its cgroup v1 hierarchies read-only, so a dockerd inside could start but not run a container
# ("mkdir /sys/fs/cgroup/cpuset/docker: read-only file system"). A machine has them writable: mount them afresh, and
# make this container's own cgroup the parent of the inner engine's containers (their cgroups stay inside this
# container's, and go with it). Machine emulation only: no step of the product's setup is done here.
fm_writable_cgroups() {
  local own mount options controller
  own="$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3; exit }' /proc/self/cgroup)"
  while read -r mount options; do
    controller="${options##*,}"
    [[ "$controller" == name=* ]] && controller="none,$controller"
    umount "$mount" && mount -t cgroup -o "$controller" cgroup "$mount"
  done < <(awk '$3 == "cgroup" && $4 ~ /^ro,/ { print $2, $4 }' /proc/mounts)
  mkdir -p /etc/docker
  [[ -f /etc/docker/daemon.json ]] || echo "{ \"cgroup-parent\": \"${own:-/docker}\" }" > /etc/docker/daemon.json
}
fm_writable_cgroups
