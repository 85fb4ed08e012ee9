#!/usr/bin/env bash
# The consolidation policies at scale, whole process as a user runs them: `neat sim` on the seeded
# synthetic workload (one day, 288 samples at 300 s, seed 42) for data centres of 800, 8 000,
# 80 000 and 100 000 PlanetLab hosts at PlanetLab's density (1052 VMs per 800 hosts, about 1.3
# per host), under the `cloudsim` policy (LR-MMT-1.2) and the `neat` policy (Neat's shipped
# configuration). Each run is one process under `/usr/bin/time -v` (wall time and peak RSS of the
# whole process, trace generation included; CPU time, user + system, which the other load of a
# shared machine moves less), with `uptime`'s load before it, the run's energy and
# migrations, and the growth of time and memory from the size before. A run past the time box
# (NEAT_SCALE_TIMEOUT_SEC, 1800 s by default) is stopped and reported as such, and the larger sizes
# of that policy are skipped.
# Usage: bench/policyScale.sh [POLICY:HOSTS[:VMS] ...]   (default: both policies, the four sizes)
#        e.g. bench/policyScale.sh cloudsim:8000 neat:800:1052
# NEAT_SCALE_DAYS=30 runs 30 days instead of one (the issue's 10 000-host / 100 000-VM month:
# bench/policyScale.sh cloudsim:10000:100000 with NEAT_SCALE_DAYS=30; PlanetLab hosts hold about
# three VMs by memory, so ten per host does not fit and the run reports the refused placement).
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_sec=${NEAT_SCALE_TIMEOUT_SEC:-1800}
days=${NEAT_SCALE_DAYS:-1}
if [ ! -x /usr/bin/time ]; then
  echo "bench/policyScale.sh: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(cloudsim:800 cloudsim:8000 cloudsim:80000 cloudsim:100000 neat:800 neat:8000 neat:80000 neat:100000)
fi

# The build the runs use: the current sources.
node scripts/build.mjs

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "# The policies at scale (synthetic workload, seed 42, $days day(s))"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 " GB memory, " $7 " GB available" }'); node $(node --version)"
echo
echo "| policy | hosts | VMs | wall (s) | CPU (s) | peak RSS (MB) | time growth | memory growth | energy (kWh) | migrations | load before (1 min) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
declare -A last_cpu last_rss last_hosts stopped
for spec in "${cases[@]}"; do
  IFS=: read -r policy hosts vms <<<"$spec"
  vms=${vms:-$(((hosts * 1052 + 400) / 800))}
  if [ -n "${stopped[$policy]:-}" ]; then
    echo "| $policy | $hosts | $vms | skipped (a smaller size exceeded ${timeout_sec} s) | | | | | | | |"
    continue
  fi
  args=(sim --trace "synthetic:vms=$vms,seed=42,days=$days" --hosts "$hosts" --policy "$policy")
  if [ "$policy" = cloudsim ]; then args+=(--overload lr:1.2 --selection mmt); fi
  load=$(awk '{ print $1 }' /proc/loadavg)
  status=0
  /usr/bin/time -v -o "$scratch/time" timeout "$timeout_sec" node bin/neat.js "${args[@]}" >"$scratch/out" 2>&1 || status=$?
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$scratch/time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$scratch/time")
  cpu_time=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$scratch/time")
  if [ "$status" -ne 0 ]; then
    why="failed (status $status)"
    if [ "$status" -eq 124 ]; then why="stopped after ${timeout_sec} s"; fi
    echo "| $policy | $hosts | $vms | $why | $cpu_time | $rss | | | | | $load |"
    tail -3 "$scratch/out" | sed 's/^/    /' >&2
    stopped[$policy]=1
    continue
  fi
  energy=$(awk '/^energy \(kWh\)/ { print $NF }' "$scratch/out")
  migrations=$(awk '/^migrations/ { print $NF }' "$scratch/out")
  growth_time=""
  growth_rss=""
  if [ -n "${last_cpu[$policy]:-}" ]; then
    growth_time=$(awk -v a="$cpu_time" -v b="${last_cpu[$policy]}" -v h="$hosts" -v g="${last_hosts[$policy]}" \
      'BEGIN { printf "×%.1f CPU for ×%.1f hosts", a / b, h / g }')
    growth_rss=$(awk -v a="$rss" -v b="${last_rss[$policy]}" 'BEGIN { printf "×%.1f", a / b }')
  fi
  echo "| $policy | $hosts | $vms | $wall | $cpu_time | $rss | $growth_time | $growth_rss | $energy | $migrations | $load |"
  last_cpu[$policy]=$cpu_time
  last_rss[$policy]=$rss
  last_hosts[$policy]=$hosts
done
echo
echo "- load after: $(uptime | sed 's/.*load average/load average/')"
