# Sourced first by the scripts that run inside the test's containers (from the repository's root). A container here
# cannot be --privileged: give its dockerd writable cgroups, as LocalBatch's node containers get them (the same file).
# Machine emulation only: no step of the product's setup is done here.
source build/CodeBuild/LocalBatch/Containers/writable-cgroups.sh
writable_cgroups
