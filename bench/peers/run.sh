#!/usr/bin/env bash
# Scores Shortlist and the Python peers on one per-user temporal split of MovieLens-100K and
# prints one table. Not run by CI. Needs python3 with venv and pip, and the Swift toolchain.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$here/work"
venv="$here/.venv"
mkdir -p "$work"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    # pip 23.2 still builds LightFM's setup.py the legacy way; newer pips cannot build it.
    "$venv/bin/pip" install --quiet "pip==23.2.1" wheel setuptools cython numpy scipy pandas
fi
for peer in implicit scikit-surprise cornac; do
    "$venv/bin/pip" install --quiet "$peer" || echo "peers: $peer did not install; going on without it" >&2
done
"$venv/bin/pip" install --quiet --no-build-isolation --no-use-pep517 lightfm \
    || echo "peers: lightfm did not install; going on without it" >&2

cd "$root"
swift build -c release --product shortlist
shortlist="$root/.build/release/shortlist"
"$shortlist" data fetch movielens-100k
config="$here/shortlist.yaml"

# The test split, then a validation split carved from its training part, both by Shortlist.
"$shortlist" evaluate --config "$config" --split temporal:0.2 --export-split "$work/outer"
cat > "$work/valid.yaml" <<YAML
dataset:
  format: delimited
  interactions: {file: outer/train.tsv, user: user, item: item, rating: rating, timestamp: timestamp}
pipelines:
  split-only:
    candidates: [{name: popular, type: weighted-rating}]
    ranker: {type: weighted-average}
YAML
"$shortlist" evaluate --config "$work/valid.yaml" --split temporal:0.2 --export-split "$work/valid"

# Shortlist on the test split, fitted on its training part.
"$shortlist" evaluate --refit --config "$config" --split "file:$work/outer/train.tsv,$work/outer/test.tsv" --format json > "$work/shortlist.json"
# The shipped default pipeline (its generators ranked by Wide & Deep), on the same split.
"$shortlist" evaluate --refit --config "$root/pipelines.yaml" --pipeline default --split "file:$work/outer/train.tsv,$work/outer/test.tsv" --format json > "$work/default.json"

"$venv/bin/python" "$here/peers.py" --outer "$work/outer" --valid "$work/valid" --shortlist "$work/shortlist.json" --pipeline "$work/default.json" "$@"
