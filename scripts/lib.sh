# Shared helpers of the scripts. Sourced, not run.

project_version() {
  sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1
}

# needs_build JAR MODULE...: true when JAR is missing or a source or pom of a MODULE (or the root pom) is newer.
needs_build() {
  local jar="$1"; shift
  [ -f "$jar" ] || return 0
  [ -d "$(dirname "$jar")/lib" ] || return 0
  local newer
  newer=$(find "$root/pom.xml" "$@" \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit 2>/dev/null)
  [ -n "$newer" ]
}

# build_modules MODULE...: packages the modules and what they need, without tests. Offline first (works once
# the dependencies are in ~/.m2), online when something is missing.
build_modules() {
  local list; list=$(IFS=,; echo "$*")
  local args=(-B -q -DskipTests -Dcheckstyle.skip -pl "$list" -am package)
  if ! mvn -o "${args[@]}" >/dev/null 2>&1; then
    mvn "${args[@]}"
  fi
}

# JVM flags for this machine: one event-loop thread per core (Reactor Netty's default is at least 4), and ZGC.
# Why ZGC and not G1 (docs/BENCHMARKS.md, "ZGC"): every delivery writes a young event into long-lived per-connection
# state, so at 10,000 connections each G1 young pause scanned ~44,000 dirty cards and copied the log's recent events:
# 35-55 ms pauses every 2 s, and G1's refinement threads took 0.15-0.25 of a core. With ZGC (no pauses beyond a
# millisecond, no card marking on JDK 17) the many-topics p99 fell from 702 to 242 ms, the p50 from 300 to 2-4 ms,
# and fan-out at 1,000 x 300/s (batch frames) had a median of 0.77 of G1's p99 in three alternating pairs
# (0.69-1.11). Note: on JDK 17 ZGC maps the heap three times, so RSS (ps, top) counts it up to three times; the
# memory actually used is the cgroup's or PSS.
gateway_jvm_flags() {
  local cores gc="-XX:+UseZGC"; cores=$(nproc 2>/dev/null || echo 2)
  # ZGC unless the options given (JAVA_OPTS, GATEWAY_JAVA_OPTS, ...) choose a collector: the JVM refuses two.
  [[ " $* " =~ \ -XX:\+Use[A-Za-z0-9]+GC\  ]] && gc=""
  echo "-Dreactor.netty.ioWorkerCount=$cores $gc -XX:+ExitOnOutOfMemoryError"
}

# apt_install PACKAGE...: installs Debian packages (apt-get update only when the install fails; sudo only when not
# root). For what tests and benches need: the project's scripts install it, never a person.
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  echo "Installing $*..." >&2
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >&2; then
    "${sudo[@]}" apt-get update -q >&2
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >&2
  fi
}
