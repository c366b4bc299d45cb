#!/usr/bin/env bash
# The scale benchmark: a synthetic log the size of MovieLens-25M through Shortlist and through
# implicit's ALS, in one run on one file, printed as one table. Not run by CI.
#
#   bash bench/scale/run.sh [--users U] [--items I] [--interactions N] [--clusters C]
#
# Defaults: 162,000 users, 62,000 items, 25,000,000 interactions, 20 clusters. A user has at
# most max(20, items / 20) interactions, so slightly fewer are written at these sizes (24.9M),
# and the generator says so when a smaller catalogue makes it many fewer. Needs python3 with venv and pip, the Swift
# toolchain, GNU time (/usr/bin/time) and about 6 GB of disk in bench/scale/work.
#
# Rows: loading the dataset from the TSV (no cache, median of 3 in one process) and from the
# dataset cache (median of 5), the whole `shortlist recommend --user` process on a warm cache
# (median of 5), each generator's fit (its own pipeline, refitted: the stage's fit time and the
# process's peak memory; ALS's process loads the TSV cold, so its peak covers load and fit), recommending to every user
# from the ALS pipeline, and implicit's ALS with the same factors, sweeps, regularisation,
# confidence, conjugate-gradient steps and threads (its pandas read and CSR build apart),
# then implicit's top 100 for every user in one batch call beside Shortlist's `--users all`
# (the stage's 100 candidates per user; Shortlist's time also ranks and prints each list).
# The `default` pipeline is the shipped one (ALS, TF-IDF and popularity ranked by Wide & Deep):
# its first run is one `recommend --user` process from nothing (no dataset cache, no
# artifacts: the TSV load, each stage fitted twice — on the data, and before the ranker's
# holdout — the two-stage pools and the ranker's fit), its warm run the same command again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$here/work"
venv="$here/.venv"
users=162000 items=62000 interactions=25000000 clusters=20
while (($#)); do
    case "$1" in
        --users) users="$2"; shift 2 ;;
        --items) items="$2"; shift 2 ;;
        --interactions) interactions="$2"; shift 2 ;;
        --clusters) clusters="$2"; shift 2 ;;
        *) echo "usage: bench/scale/run.sh [--users U] [--items I] [--interactions N] [--clusters C]" >&2; exit 2 ;;
    esac
done
factors=64 sweeps=5 threads=$(nproc)
mkdir -p "$work"
load_average=$(cut -d' ' -f1-3 /proc/loadavg)

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy scipy pandas implicit
fi

cd "$root"
swift build -c release --product shortlist >/dev/null
swift build -c release --product shortlist-scale >/dev/null
shortlist="$root/.build/release/shortlist"
scale="$root/.build/release/shortlist-scale"

name="log-$users-$items-$interactions-$clusters"
log="$work/$name.tsv"
if [ ! -s "$log" ]; then
    "$scale" generate --out "$log.part" --items-out "$work/$name-items.tsv" --users "$users" \
        --items "$items" --interactions "$interactions" --clusters "$clusters" --seed 1
    mv "$log.part" "$log"
fi
config="$work/$name.yaml"
cat > "$config" <<YAML
seed: 42
dataset:
  format: delimited
  interactions: {file: $name.tsv, user: user, item: item, rating: rating, timestamp: timestamp}
  items: {file: $name-items.tsv, item: item, title: title, genres: genres}
pipelines:
  als:
    candidates:
      - {name: als, type: matrix-factorization, objective: implicit, factors: $factors, epochs: $sweeps, regularization: 0.1, alpha: 5, confidence: binary, cg-steps: 3, threads: $threads, limit: 100}
    ranker: {type: weighted-average}
  explicit-mf:
    candidates:
      - {name: mf, type: matrix-factorization, objective: explicit, factors: $factors, epochs: $sweeps, limit: 100}
    ranker: {type: weighted-average}
  explicit-mf-strata:
    candidates:
      - {name: mf, type: matrix-factorization, objective: explicit, factors: $factors, epochs: $sweeps, strata: 8, threads: $threads, limit: 100}
    ranker: {type: weighted-average}
  tfidf:
    candidates:
      - {name: content, type: tfidf, fields: [genres], limit: 100}
    ranker: {type: weighted-average}
  triplet:
    candidates:
      - {name: triplet, type: triplet-embedding, epochs: 2, limit: 100}
    ranker: {type: weighted-average}
  popularity:
    candidates:
      - {name: popular, type: weighted-rating, limit: 100}
    ranker: {type: weighted-average}
  default:
    n: 10
    candidates:
      - {name: als, type: matrix-factorization, limit: 300, factors: 128, regularization: 20, alpha: 0.5, confidence: rating}
      - {name: content, type: tfidf, limit: 100, fields: [title, genres, decade], like-threshold: 4}
      - {name: popular, type: weighted-rating, limit: 100, min-votes-quantile: 0.9}
    filters:
      exclude-seen: true
    ranker:
      type: wide-and-deep
      holdout: 0.2
      positive-rating: 4
      wide: [source, source-rank, item, occupation x genre, gender x genre, age x genre]
      hidden: [32, 16]
      negatives: 0.3
YAML
cache="$work/.shortlist/datasets"
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
peak_mb() { awk '/Maximum resident set size/ { printf "%.0f", $6 / 1024 }' "$1"; }
wall_s() {  # GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): M:SS.ss" in seconds
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}

echo "scale: loading $log" >&2
rm -rf "$cache"
files=(--interactions "$log" --items "$work/$name-items.tsv")
cold=$("$scale" load "${files[@]}" --repeat 3 --threads "$threads" | awk '/^median/ { print $2 }')
/usr/bin/time -v "$scale" load "${files[@]}" --repeat 1 > /dev/null 2> "$work/cold-load.time"
"$scale" load "${files[@]}" --repeat 1 --cache "$cache" > /dev/null
warm=$("$scale" load "${files[@]}" --repeat 5 --cache "$cache" | awk '/^median/ { print $2 }')
/usr/bin/time -v "$scale" load "${files[@]}" --repeat 1 --cache "$cache" > /dev/null 2> "$work/warm-load.time"
counts=$("$scale" load "${files[@]}" --repeat 1 --cache "$cache" | awk '/^load/ { print $4, $6, $8 }' | tr -d ',')
read -r n_users n_items n_interactions <<< "$counts"

fit() {  # pipeline, stage; prints "seconds peak-MB"
    /usr/bin/time -v "$shortlist" recommend --config "$config" --pipeline "$1" --user 1 --refit \
        > /dev/null 2> "$work/fit-$1.log" || { cat "$work/fit-$1.log" >&2; exit 1; }
    local seconds
    seconds=$(grep "stage '$2'" "$work/fit-$1.log" | sed -E 's/.*fitted in ([0-9.]+) (m?s).*/\1 \2/' \
        | awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')
    echo "$seconds $(peak_mb "$work/fit-$1.log")"
}
echo "scale: the default pipeline's first run" >&2
rm -rf "$work/.shortlist"
for run in first warm; do
    /usr/bin/time -v "$shortlist" recommend --config "$config" --pipeline default --user 1 \
        > /dev/null 2> "$work/default-$run.log" || { cat "$work/default-$run.log" >&2; exit 1; }
done
ranker_fit=$(sed -nE "s/.*stage 'ranker' .*fitted in ([0-9.]+) s.*/\1/p" "$work/default-first.log")

echo "scale: fitting" >&2
rm -rf "$cache"
read -r als_fit als_peak <<< "$(fit als als)"
read -r mf_fit mf_peak <<< "$(fit explicit-mf mf)"
read -r strata_fit strata_peak <<< "$(fit explicit-mf-strata mf)"
read -r tfidf_fit tfidf_peak <<< "$(fit tfidf content)"
read -r triplet_fit triplet_peak <<< "$(fit triplet triplet)"
read -r popular_fit popular_peak <<< "$(fit popularity popular)"

echo "scale: recommending" >&2
single=$(for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e" "$shortlist" recommend --config "$config" --pipeline als --user 1 2>&1 >/dev/null | tail -1
done | median)
"$shortlist" recommend --config "$config" --pipeline als --users all > /dev/null 2> "$work/batch.log"
batch=$(sed -nE 's/^recommended for ([0-9]+) users in ([0-9.]+) s$/\2/p' "$work/batch.log")

echo "scale: implicit" >&2
peer=$(OPENBLAS_NUM_THREADS=1 "$venv/bin/python" "$here/implicit_als.py" "$log" --factors "$factors" \
    --iterations "$sweeps" --regularization 0.1 --alpha 5 --cg-steps 3 --threads "$threads" \
    --recommend 100)
field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$peer" "$1"; }

csr_mb=$(awk -v e="$n_interactions" -v u="$n_users" -v i="$n_items" 'BEGIN { printf "%.0f", (32 * e + 8 * (u + i + 2)) / 1048576 }')
factor_mb=$(awk -v u="$n_users" -v i="$n_items" -v k="$factors" 'BEGIN { printf "%.0f", 4 * k * (u + i) / 1048576 }')
awk -v u="$n_users" -v i="$n_items" -v e="$n_interactions" -v la="$load_average" -v t="$threads" \
    -v cold="$cold" -v warm="$warm" -v coldpeak="$(peak_mb "$work/cold-load.time")" \
    -v warmpeak="$(peak_mb "$work/warm-load.time")" -v single="$single" -v batch="$batch" \
    -v alsfit="$als_fit" -v alspeak="$als_peak" -v mffit="$mf_fit" -v mfpeak="$mf_peak" \
    -v stratafit="$strata_fit" -v stratapeak="$strata_peak" \
    -v tfidffit="$tfidf_fit" -v tfidfpeak="$tfidf_peak" -v tripletfit="$triplet_fit" \
    -v tripletpeak="$triplet_peak" -v popfit="$popular_fit" -v poppeak="$popular_peak" \
    -v pread="$(field read_s)" -v pcsr="$(field csr_s)" -v pfit="$(field fit_s)" \
    -v ppeak="$(field peak_mb)" -v prec="$(field recommend_s)" -v csr="$csr_mb" -v fm="$factor_mb" -v k="$factors" -v s="$sweeps" \
    -v dfirst="$(wall_s "$work/default-first.log")" -v dfirstpeak="$(peak_mb "$work/default-first.log")" \
    -v dranker="$ranker_fit" -v dwarm="$(wall_s "$work/default-warm.log")" \
    -v dwarmpeak="$(peak_mb "$work/default-warm.log")" '
BEGIN {
    printf "%d users, %d items, %d interactions; load average %s at the start; %d threads\n\n", u, i, e, la, t
    printf "%-52s %10s %10s\n", "", "seconds", "peak MB"
    printf "%-52s %10.2f %10d\n", "load from the TSV (no cache)", cold, coldpeak
    printf "%-52s %10.2f %10d\n", "load from the dataset cache", warm, warmpeak
    printf "%-52s %10.2f %10s\n", "recommend --user, whole process, warm cache", single, ""
    printf "%-52s %10.2f %10d\n", sprintf("fit ALS (%d factors, %d sweeps; peak with cold load)", k, s), alsfit, alspeak
    printf "%-52s %10.2f %10d\n", sprintf("fit explicit MF (%d factors, %d epochs)", k, s), mffit, mfpeak
    printf "%-52s %10.2f %10d\n", sprintf("fit explicit MF, 8 strata on %d threads", t), stratafit, stratapeak
    printf "%-52s %10.2f %10d\n", "fit TF-IDF (genres)", tfidffit, tfidfpeak
    printf "%-52s %10.2f %10d\n", "fit triplet embeddings (2 epochs)", tripletfit, tripletpeak
    printf "%-52s %10.2f %10d\n", "fit popularity (weighted rating)", popfit, poppeak
    printf "%-52s %10.2f %10s\n", "recommend --users all (ALS pipeline)", batch, ""
    printf "%-52s %10.2f %10d\n", "default pipeline: first run (load, fit all, rank)", dfirst, dfirstpeak
    printf "%-52s %10.2f %10s\n", "  of which the ranker (two-stage training)", dranker, ""
    printf "%-52s %10.2f %10d\n", "default pipeline: warm run (recommend --user)", dwarm, dwarmpeak
    printf "%-52s %10.2f %10s\n", "implicit: pandas read_csv", pread, ""
    printf "%-52s %10.2f %10s\n", "implicit: CSR build", pcsr, ""
    printf "%-52s %10.2f %10d\n", "implicit: ALS fit (same settings)", pfit, ppeak
    printf "%-52s %10.2f %10s\n", "implicit: recommend 100 for every user (batch)", prec, ""
    printf "\ndefault pipeline first run: %.1f min, peak %.2f GB (targets: 15 min, 6 GB)\n", dfirst / 60, dfirstpeak / 1024
    printf "ALS fit: implicit / Shortlist = %.2f×\n", pfit / alsfit
    printf "recommend to every user: implicit / Shortlist = %.2f× (Shortlist %.0f users/s)\n", prec / batch, u / batch
    printf "load: (pandas read + CSR build) / Shortlist cold load = %.2f×\n", (pread + pcsr) / cold
    printf "peak of load + ALS fit: %d MB = %.2f× the CSR data (%d MB) plus the factors (%d MB)\n", alspeak, alspeak / (csr + fm), csr, fm
}'
