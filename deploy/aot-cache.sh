# vigil's start-up cache (the JVM's AOT cache, JEP 483/514), sourced by both launchers (./vigil and /usr/bin/vigil).
#
#   vigil_aot JAVA JAR CACHE_DIR JVM_OPTION...   sets the array AOT_OPTS for the java command line
#
# The cache file's name is a hash of what the cache is only valid for: the Java runtime (its home, release file,
# libjvm and modules image), every jar of the class path (paths, sizes, mtimes, inodes: JAR and the *.jar under
# JAR's folder/lib) and the JVM options. A cache of that name exists: AOT_OPTS=(-XX:AOTCache=FILE). It does not:
# AOT_OPTS stays empty (this start runs without one) and one training run (`aot-train` with -XX:AOTCacheOutput)
# starts in the background at low priority, writes a temporary file and renames it, so a start never sees half a
# cache; a lock keeps concurrent starts to one training. Once it succeeded, the same jar's caches of other keys are
# removed.
# A training that fails leaves FILE.failed and CACHE_DIR/train.log; the next start says so in one line on stderr and
# that key is not trained again. A training without a model on the machine (a service's first start pulls it) leaves
# FILE.partial: once the model store or the mirror's models folder changed, one start trains again in the background. The JVM checks the jars itself too (a mismatch means no cache, never a wrong one).
# VIGIL_AOT=off: neither use nor make a cache. VIGIL_AOT_NICE: the training's niceness (19, the lowest priority). VIGIL_CLASSPATH_EXTRA: jars the launcher puts on the class path beside
# JAR (engine djl's), space-separated: then the class path is JAR:EXTRA with dev.vigil.cli.Main, for training too.

vigil_aot_key() { # JAVA JAR JVM_OPTION...: the hash naming the cache
  local java="$1" jar="$2" home
  shift 2
  home="$(dirname "$(dirname "$(readlink -f "$java")")")"
  {
    echo "$home"
    cat "$home/release" 2>/dev/null || true
    stat -L -c '%n %s %Y %i' "$java" "$home/lib/server/libjvm.so" "$home/lib/modules" 2>/dev/null || true
    find "$(readlink -f "$jar")" "$(dirname "$(readlink -f "$jar")")/lib" -name '*.jar' -printf '%p %s %T@ %i\n' 2>/dev/null | sort || true
    # A class path beside the jar (engine djl's jar and its lib/): its jars name the cache too.
    local e
    for e in ${VIGIL_CLASSPATH_EXTRA:-}; do
      find "$(readlink -f "$e")" "$(dirname "$(readlink -f "$e")")/lib" -name '*.jar' -printf '%p %s %T@ %i\n' 2>/dev/null | sort || true
    done
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-20
}

vigil_aot() {
  AOT_OPTS=()
  case "${VIGIL_AOT:-on}" in off|0|no|false) return 0 ;; esac
  local java="$1" jar="$2" dir="$3"
  shift 3
  command -v sha256sum >/dev/null 2>&1 && command -v flock >/dev/null 2>&1 || return 0
  local where key cache
  # One cache per installed jar (a checkout's and the package's live side by side in one user's folder).
  where="$(readlink -f "$jar" | sha256sum | cut -c1-8)" || return 0
  key="$(vigil_aot_key "$java" "$jar" "$@")" || return 0
  cache="$dir/vigil-$where-$key.aot"
  if [ -f "$cache" ]; then
    AOT_OPTS=(-XX:AOTCache="$cache")
    # Trained before any model was on this machine (a first start pulls it): train again once one has come.
    if [ -f "$cache.partial" ] && vigil_aot_models_since "$cache.partial"; then
      vigil_aot_train "$java" "$jar" "$dir" "$where" "$cache" again "$@"
    fi
    return 0
  fi
  if [ -f "$cache.failed" ]; then
    if [ ! -f "$cache.reported" ]; then
      echo "vigil: the start-up cache could not be built (see $dir/train.log; remove $cache.failed to try again)" >&2
      : > "$cache.reported" 2>/dev/null || true
    fi
    return 0
  fi
  if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    echo "vigil: no start-up cache: cannot write $dir (VIGIL_AOT=off starts without one quietly)" >&2
    return 0
  fi
  vigil_aot_train "$java" "$jar" "$dir" "$where" "$cache" first "$@"
  return 0
}

# Starts the background training (see above); WHEN is "first" (no cache yet) or "again" (replace a partial one).
vigil_aot_train() {
  local java="$1" jar="$2" dir="$3" where="$4" cache="$5" when="$6"
  shift 6
  # The trainer holds none of this start's stdin/stdout/stderr (a caller reading them to EOF never waits for it), and
  # is forked twice: its parent exits at once, so it is no child of the JVM this start becomes (never a zombie there).
  ( (
    set +e
    exec 9>"$dir/.lock"
    flock -n 9 || exit 0 # another start is training
    [ "$when" = first ] && [ -f "$cache" ] && exit 0
    rm -f "$dir"/*.tmp "$dir"/*.tmp.config
    tmp="$cache.$$.tmp"
    # The same class path as the starts that will use the cache (the JVM refuses a cache made on another).
    if [ -n "${VIGIL_CLASSPATH_EXTRA:-}" ]; then run=(-cp "$jar:${VIGIL_CLASSPATH_EXTRA// /:}" dev.vigil.cli.Main); else run=(-jar "$jar"); fi
    env -u NOTIFY_SOCKET -u WATCHDOG_USEC -u WATCHDOG_PID nice -n "${VIGIL_AOT_NICE:-19}" "$java" "$@" -XX:AOTCacheOutput="$tmp" \
      "${run[@]}" aot-train > "$dir/train.log" 2>&1 &
    jvm=$!
    # A stopping service (systemd signals the whole cgroup) must not wait for the trainer: on SIGTERM the JVM would still
    # write its cache at exit, at nice 19 (12 s on a loaded 2-core box, past the unit's stop bound). The cache is made
    # under a temporary name, so killing it loses nothing but this training; the next start trains again.
    trap 'kill -KILL "$jvm" 2>/dev/null' TERM INT HUP
    wait "$jvm"
    rc=$?
    while kill -0 "$jvm" 2>/dev/null; do wait "$jvm"; rc=$?; done # a trap interrupts wait: wait for the real exit
    if [ "$rc" -eq 0 ] && [ -s "$tmp" ]; then
      mv -f "$tmp" "$cache"
      # aot-train says so when no model was there to run (tests: AotCacheLauncherTest)
      if grep -q 'training without inference' "$dir/train.log"; then : > "$cache.partial"; else rm -f "$cache.partial"; fi
      for f in "$dir/vigil-$where"-*.aot*; do
        case "$f" in "$cache" | "$cache.partial") ;; *) rm -f "$f" ;; esac
      done
    else
      rm -f "$tmp" "$tmp.config"
      if [ "$when" = again ]; then
        touch "$cache.partial" # the partial cache stays; tried again when the models change again
      elif [ "$rc" -le 128 ]; then
        # (killed by a signal: a stopping service, a shutdown; not a failure of this key, the next start tries again)
        echo "exit $rc" > "$cache.failed"
      fi
    fi
  ) < /dev/null > /dev/null 2>&1 & )
}

# Whether a model store or mirror folder changed after FILE (a model arrived): the store as ModelStore finds it.
vigil_aot_models_since() {
  local d
  for d in "${VIGIL_HOME:-${XDG_DATA_HOME:-${HOME:-}/.local/share}/vigil}/models" "${VIGIL_MIRROR:+$VIGIL_MIRROR/models}"; do
    if [ -n "$d" ] && [ -d "$d" ] && [ "$d" -nt "$1" ]; then return 0; fi
  done
  return 1
}
