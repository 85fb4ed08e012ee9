#!/usr/bin/env bash
# Whole-process timings of the compiled CLI, start to exit, as a user sees them: each command run
# RUNS times under /usr/bin/time (wall seconds, peak RSS), reported as the median and the spread
# (min–max), and the median CPU time (user + system: what load on a shared machine changes least),
# with the machine, the date and the load before and after. The commands:
#   neat --help
#   neat sim on PlanetLab 20110303, LR-MMT-1.2, CloudSim's VM order (CloudSim's own experiment)
#   npm start (the README's first command: a synthetic day and its HTML report)
#   neat sim --policy neat on the same day and order
# and CloudSim 3.0.3's whole run of the same experiment when it is given, else its figures recorded
# in ../shared/reference (an earlier measurement, said so). CloudSim is given either as a class path
# (NEAT_CLOUDSIM_CLASSPATH: CloudSim's compiled classes, commons-math3 and a folder holding
# workload/planetlab/20110303, as its LrMmt example reads the day from its class path; the
# example's main class runs) or as a jar (NEAT_CLOUDSIM_JAR, arguments in NEAT_CLOUDSIM_ARGS).
# docs/performance.md says how to build the class path from CloudSim's sources. After the table, the
# day's run phase by phase (NEAT_PHASES: each phase's wall and main-thread CPU time).
# Usage: bench/wholeProcess.sh [RUNS]   (5 by default; NEAT_SHARED_DIR, default ../shared)
# NEAT_BENCH_ROOT=DIR times another checkout's bin/neat.js and npm start instead (for "before"
# figures in the same session, e.g. `git archive 48eeb61 | tar -x -C DIR` with node_modules linked).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shared=$(realpath "${NEAT_SHARED_DIR:-../shared}")
root=$(realpath "${NEAT_BENCH_ROOT:-.}")
day="$shared/traces/planetlab/20110303"
order="$shared/reference/cloudsim-file-order-20110303.csv"
reference="$shared/reference/cloudsim-3.0.3-20110303.csv"
if [ ! -d "$day" ] || [ ! -f "$order" ]; then
  echo "bench/wholeProcess.sh: needs $day and $order (set NEAT_SHARED_DIR)" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench/wholeProcess.sh: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi

# The build the commands run: the current sources (a checkout without a build runs its sources).
if [ -f "$root/scripts/build.mjs" ]; then node "$root/scripts/build.mjs"; fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# measure LABEL COMMAND...: RUNS runs, one table row.
measure() {
  local label=$1
  shift
  : >"$scratch/times"
  for ((i = 0; i < runs; i++)); do
    if ! /usr/bin/time -f '%e %M %U %S' -o "$scratch/one" "$@" >"$scratch/out" 2>&1; then
      echo "bench/wholeProcess.sh: '$label' failed:" >&2
      tail -5 "$scratch/out" >&2
      exit 1
    fi
    tail -1 "$scratch/one" >>"$scratch/times"
  done
  awk -v label="$label" '
    { wall[NR] = $1; rss[NR] = $2 / 1024; cpu[NR] = $3 + $4 }
    function median(a, n,   s, i, j, t) {
      for (i = 1; i <= n; i++) s[i] = a[i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
      return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
    }
    function lo(a, n,   m, i) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
    function hi(a, n,   m, i) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
    END {
      printf "| %s | %d | %.2f | %.2f–%.2f | %.2f | %.0f | %.0f–%.0f |\n", label, NR,
        median(wall, NR), lo(wall, NR), hi(wall, NR), median(cpu, NR), median(rss, NR), lo(rss, NR), hi(rss, NR)
    }' "$scratch/times"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "# Whole-process timings (runs per command: $runs)"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $root, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'unknown')"
echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}; node $(node --version)"
echo "- load before: $(uptime | sed 's/.*load average/load average/')"
echo
echo "| command | runs | median wall (s) | wall min–max (s) | median CPU, user + system (s) | median peak RSS (MB) | RSS min–max (MB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
measure "neat --help" node "$root/bin/neat.js" --help
measure "neat sim, 20110303, LR-MMT-1.2, CloudSim's VM order" \
  node "$root/bin/neat.js" sim --trace "$day" --vm-order "$order" --overload lr:1.2 --selection mmt
measure "npm start" npm --prefix "$root" start --silent
measure "neat sim --policy neat, 20110303, CloudSim's VM order" \
  node "$root/bin/neat.js" sim --trace "$day" --vm-order "$order" --policy neat
if [ -n "${NEAT_CLOUDSIM_CLASSPATH:-}" ]; then
  measure "CloudSim 3.0.3, 20110303, LR-MMT-1.2 (its LrMmt example)" \
    java -cp "$NEAT_CLOUDSIM_CLASSPATH" org.cloudbus.cloudsim.examples.power.planetlab.LrMmt
elif [ -n "${NEAT_CLOUDSIM_JAR:-}" ]; then
  # shellcheck disable=SC2086
  measure "CloudSim 3.0.3, 20110303, LR-MMT-1.2 (java -jar $NEAT_CLOUDSIM_JAR)" \
    java -jar "$NEAT_CLOUDSIM_JAR" ${NEAT_CLOUDSIM_ARGS:-}
fi

# Where the day's run spends its time (NEAT_PHASES, src/server/cli/phases.ts): each phase's median
# wall time and main-thread CPU time over RUNS more runs. A checkout without it prints nothing here.
: >"$scratch/phases"
for ((i = 0; i < runs; i++)); do
  NEAT_PHASES=1 node "$root/bin/neat.js" sim --trace "$day" --vm-order "$order" --overload lr:1.2 --selection mmt \
    2>&1 >/dev/null | sed -n 's/^neat:   //p' >>"$scratch/phases"
done
if [ -s "$scratch/phases" ]; then
  echo
  echo "Phases of the LR-MMT-1.2 day (NEAT_PHASES=1; medians of $runs runs):"
  echo
  echo "| phase | median wall (ms) | median main-thread CPU (ms) |"
  echo "|---|---:|---:|"
  awk '
    { cpu = $NF; wall = $(NF - 1); $NF = ""; $(NF - 1) = ""; sub(/ +$/, ""); name = $0
      if (!(name in n)) order[++names] = name
      n[name]++; walls[name, n[name]] = wall; cpus[name, n[name]] = cpu }
    function median(a, name, k,   s, i, j, t) {
      for (i = 1; i <= k; i++) s[i] = a[name, i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
      return k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
    }
    END { for (p = 1; p <= names; p++) { name = order[p]; printf "| %s | %.0f | %.0f |\n", name, median(walls, name, n[name]), median(cpus, name, n[name]) } }
  ' "$scratch/phases"
fi
echo
echo "- load after: $(uptime | sed 's/.*load average/load average/')"
if [ -z "${NEAT_CLOUDSIM_JAR:-}${NEAT_CLOUDSIM_CLASSPATH:-}" ] && [ -f "$reference" ]; then
  awk -F, 'NR > 1 && $4 == "LR" && $5 == "MMT" && $6 == "1.2" && $2 == "listFiles" {
    printf "- CloudSim 3.0.3, not run here (no NEAT_CLOUDSIM_CLASSPATH or NEAT_CLOUDSIM_JAR): its run recorded in the reference CSV (an earlier measurement, 2 cores): %.1f s wall, %.0f MB peak RSS\n", $22, $23 / 1024
  }' "$reference"
fi
