"""Score Python recommender libraries on splits exported by `shortlist evaluate --export-split`.

Every peer is tuned on the validation split (carved from the training part) and then refitted on
the training part and scored once on the test part, single-threaded, with the metric definitions
of `shortlist evaluate`:

- relevant items are held-out interactions rated >= 4; users without one are skipped;
- candidates are the items seen in training minus the user's training items;
- P/R/NDCG/MAP/hit rate at K=10 (binary gains, ideal DCG over min(K, relevant),
  AP divided by min(K, relevant)); recall at 300 = relevant items in the top 300 over all relevant;
- RMSE and MAE over every held-out rating (Surprise clips predictions to the rating scale).
"""

import argparse
import itertools
import json
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import scipy.sparse as sp

K = 10
LIMIT = 300
THRESHOLD = 4.0


def read(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        u, i, r = header.index("user"), header.index("item"), header.index("rating")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            rows.append((parts[u], parts[i], float(parts[r])))
    return rows


class Split:
    def __init__(self, folder):
        self.train = read(os.path.join(folder, "train.tsv"))
        self.test = read(os.path.join(folder, "test.tsv"))
        self.users = sorted({u for u, _, _ in self.train} | {u for u, _, _ in self.test})
        self.items = sorted({i for _, i, _ in self.train})
        self.user_index = {u: n for n, u in enumerate(self.users)}
        self.item_index = {i: n for n, i in enumerate(self.items)}
        rows = [self.user_index[u] for u, _, _ in self.train]
        cols = [self.item_index[i] for _, i, _ in self.train]
        self.ratings = sp.csr_matrix((np.array([r for _, _, r in self.train], dtype=np.float32), (rows, cols)),
                                     shape=(len(self.users), len(self.items)))
        self.binary = self.ratings.copy()
        self.binary.data[:] = 1
        self.relevant = {}
        for u, i, r in self.test:
            if r >= THRESHOLD and i in self.item_index:
                self.relevant.setdefault(self.user_index[u], set()).add(self.item_index[i])
        self.relevant_all = {}
        for u, i, r in self.test:
            if r >= THRESHOLD:
                self.relevant_all.setdefault(self.user_index[u], set()).add(i)
        self.eval_users = np.array(sorted(self.relevant_all), dtype=np.int64)


def score_lists(split, lists):
    """lists: user index -> item indices, best first (at least LIMIT long when possible)."""
    totals = dict(precision=0.0, recall=0.0, ndcg=0.0, map=0.0, hit_rate=0.0)
    hits_at_limit = relevant_total = 0
    for user in split.eval_users:
        relevant_ids = split.relevant_all[user]
        relevant = split.relevant.get(user, set())
        ranked = list(lists.get(user, []))
        hits = dcg = precision_sum = 0
        for position, item in enumerate(ranked[:K]):
            if item in relevant:
                hits += 1
                dcg += 1 / math.log2(position + 2)
                precision_sum += hits / (position + 1)
        ideal = min(K, len(relevant_ids))
        idcg = sum(1 / math.log2(p + 2) for p in range(ideal))
        totals["precision"] += hits / K
        totals["recall"] += hits / len(relevant_ids)
        totals["ndcg"] += dcg / idcg if idcg else 0
        totals["map"] += precision_sum / ideal if ideal else 0
        totals["hit_rate"] += 1 if hits else 0
        hits_at_limit += len(set(ranked[:LIMIT]) & relevant)
        relevant_total += len(relevant_ids)
    n = max(len(split.eval_users), 1)
    scores = {k: v / n for k, v in totals.items()}
    scores["recall_at_300"] = hits_at_limit / max(relevant_total, 1)
    return scores


def top_from_scores(split, scores):
    """Top LIMIT unseen items per evaluated user from a dense users x items score matrix."""
    lists = {}
    for user in split.eval_users:
        row = np.array(scores[user], dtype=np.float64)
        seen = split.ratings.indices[split.ratings.indptr[user]:split.ratings.indptr[user + 1]]
        row[seen] = -np.inf
        top = np.argpartition(-row, LIMIT)[:LIMIT]
        lists[user] = top[np.argsort(-row[top], kind="stable")].tolist()
    return lists


# ---- peers -------------------------------------------------------------------------------

def implicit_als(split, factors, regularization, alpha, values):
    from implicit.cpu.als import AlternatingLeastSquares
    model = AlternatingLeastSquares(factors=factors, regularization=regularization, alpha=alpha, iterations=15,
                                    use_cg=True, num_threads=1, random_state=42)
    matrix = split.binary if values == "binary" else split.ratings
    start = time.perf_counter()
    model.fit(matrix, show_progress=False)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    ids, _ = model.recommend(split.eval_users, matrix[split.eval_users], N=LIMIT, filter_already_liked_items=True)
    serve = time.perf_counter() - start
    return {int(u): list(map(int, row)) for u, row in zip(split.eval_users, ids)}, fit, serve


def implicit_bpr(split, factors, learning_rate, regularization):
    from implicit.cpu.bpr import BayesianPersonalizedRanking
    model = BayesianPersonalizedRanking(factors=factors, learning_rate=learning_rate, regularization=regularization,
                                        iterations=100, num_threads=1, random_state=42)
    start = time.perf_counter()
    model.fit(split.binary, show_progress=False)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    ids, _ = model.recommend(split.eval_users, split.binary[split.eval_users], N=LIMIT, filter_already_liked_items=True)
    serve = time.perf_counter() - start
    return {int(u): list(map(int, row)) for u, row in zip(split.eval_users, ids)}, fit, serve


def lightfm_warp(split, components, learning_rate, epochs):
    from lightfm import LightFM
    model = LightFM(no_components=components, loss="warp", learning_rate=learning_rate, random_state=42)
    start = time.perf_counter()
    model.fit(split.binary.tocoo(), epochs=epochs, num_threads=1)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    items = np.arange(len(split.items), dtype=np.int32)
    scores = {u: model.predict(int(u), items, num_threads=1) for u in split.eval_users}
    lists = top_from_scores(split, scores)
    serve = time.perf_counter() - start
    return lists, fit, serve


def cornac_model(split, model):
    import cornac
    data = cornac.data.Dataset.build([(u, i, r) for u, i, r in split.train], seed=42)
    start = time.perf_counter()
    model.fit(data)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    item_order = [data.iid_map[i] for i in split.items]
    scores = {}
    for user in split.eval_users:
        name = split.users[user]
        if name not in data.uid_map:
            continue
        scores[user] = np.asarray(model.score(data.uid_map[name])).reshape(-1)[item_order]
    lists = top_from_scores(split, scores)
    serve = time.perf_counter() - start
    return lists, fit, serve


def cornac_ease(split, lamb):
    import cornac
    return cornac_model(split, cornac.models.EASE(lamb=lamb, verbose=False))


def cornac_bpr(split, k, learning_rate, lambda_reg):
    import cornac
    return cornac_model(split, cornac.models.BPR(k=k, max_iter=200, learning_rate=learning_rate, lambda_reg=lambda_reg, seed=42, verbose=False))


def surprise_svd(split, factors, epochs, lr, reg):
    from surprise import SVD, Dataset, Reader
    import pandas as pd
    frame = pd.DataFrame(split.train, columns=["user", "item", "rating"])
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5))).build_full_trainset()
    model = SVD(n_factors=factors, n_epochs=epochs, lr_all=lr, reg_all=reg, random_state=42)
    start = time.perf_counter()
    model.fit(data)
    fit = time.perf_counter() - start
    errors = [model.predict(u, i, r).est - r for u, i, r in split.test]
    rmse = math.sqrt(sum(e * e for e in errors) / len(errors))
    mae = sum(abs(e) for e in errors) / len(errors)
    return rmse, mae, fit


RANKERS = {
    "implicit ALS": (implicit_als, dict(factors=[64, 128], regularization=[0.1, 1, 10, 20, 50], alpha=[0.5, 1, 5, 20], values=["binary", "rating"])),
    "implicit BPR": (implicit_bpr, dict(factors=[64, 128], learning_rate=[0.005, 0.01, 0.05], regularization=[0.01, 0.03, 0.1])),
    "lightfm WARP": (lightfm_warp, dict(components=[64, 128], learning_rate=[0.02, 0.05, 0.1], epochs=[10, 20, 40])),
    "cornac EASE": (cornac_ease, dict(lamb=[300, 1000, 2000, 5000, 10000, 20000])),
    "cornac BPR": (cornac_bpr, dict(k=[64, 128], learning_rate=[0.05, 0.1], lambda_reg=[0.01, 0.03])),
}
SVD_GRID = dict(factors=[50, 100, 150], epochs=[20, 40], lr=[0.005, 0.01, 0.02, 0.03], reg=[0.05, 0.1, 0.12, 0.15])


def grid(space):
    keys = list(space)
    for values in itertools.product(*(space[k] for k in keys)):
        yield dict(zip(keys, values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outer", required=True, help="folder with the train.tsv/test.tsv to report on")
    parser.add_argument("--valid", required=True, help="folder with the validation split of outer/train.tsv")
    parser.add_argument("--shortlist", required=True, help="JSON from `shortlist evaluate --format json` on the outer split")
    parser.add_argument("--pipeline", help="the same JSON for a whole pipeline, whose final list gets a row")
    parser.add_argument("--only", nargs="*", help="peers to run (default: all that import)")
    args = parser.parse_args()
    outer, valid = Split(args.outer), Split(args.valid)
    rows = []
    for name, (run, space) in RANKERS.items():
        if args.only and name not in args.only:
            continue
        try:
            best = None
            for params in grid(space):
                lists, _, _ = run(valid, **params)
                ndcg = score_lists(valid, lists)["ndcg"]
                if best is None or ndcg > best[0]:
                    best = (ndcg, params)
            lists, fit, serve = run(outer, **best[1])
        except ImportError as error:
            print(f"{name}: not installed ({error})", file=sys.stderr)
            continue
        scores = score_lists(outer, lists)
        rows.append(dict(system=name, params=best[1], fit=fit, serve=serve, **scores))
        print(f"{name}: tuned {best[1]} (validation NDCG@10 {best[0]:.4f})", file=sys.stderr)
    svd = None
    if not args.only or "surprise SVD" in args.only:
        try:
            best = min(((surprise_svd(valid, **p)[0], p) for p in grid(SVD_GRID)), key=lambda x: x[0])
            rmse, mae, fit = surprise_svd(outer, **best[1])
            svd = dict(system="surprise SVD", params=best[1], rmse=rmse, mae=mae, fit=fit)
            print(f"surprise SVD: tuned {best[1]} (validation RMSE {best[0]:.4f})", file=sys.stderr)
        except ImportError as error:
            print(f"surprise SVD: not installed ({error})", file=sys.stderr)

    ours = json.load(open(args.shortlist))
    users = max(ours["usersEvaluated"], 1)
    for g in ours["generators"]:
        rows.append(dict(system=f"shortlist {g['stage']} ({g['type']})", params={}, fit=g["fitSeconds"] or 0,
                         serve=g["serveMilliseconds"] * users / 1000, precision=g["topK"]["precision"],
                         recall=g["topK"]["recall"], ndcg=g["topK"]["ndcg"], map=g["topK"]["map"],
                         hit_rate=g["topK"]["hitRate"], recall_at_300=g["recallAtLimit"]))
    if args.pipeline:
        whole = json.load(open(args.pipeline))
        final = whole["final"]
        rows.append(dict(system=f"shortlist pipeline '{whole['pipeline']}' (ranked pool)", params={},
                         fit=sum(g["fitSeconds"] or 0 for g in whole["generators"]) + (whole["rankerFitSeconds"] or 0),
                         serve=whole["recommendMilliseconds"] * max(whole["usersEvaluated"], 1) / 1000,
                         precision=final["precision"], recall=final["recall"], ndcg=final["ndcg"], map=final["map"],
                         hit_rate=final["hitRate"], recall_at_300=whole["unionRecall"]))
    print()
    print(f"Ranking on {args.outer} (K={K}, relevant = rating >= {THRESHOLD:g}, {len(outer.eval_users)} users; "
          f"Shortlist evaluated {ours['usersEvaluated']}); times in seconds, one thread")
    header = f"{'system':44} {'P@10':>7} {'R@10':>7} {'NDCG@10':>8} {'MAP@10':>7} {'HR@10':>7} {'R@300':>7} {'fit s':>8} {'serve s':>8}"
    print(header)
    print("-" * len(header))
    for r in sorted(rows, key=lambda r: -r["ndcg"]):
        print(f"{r['system']:44} {r['precision']:7.4f} {r['recall']:7.4f} {r['ndcg']:8.4f} {r['map']:7.4f} "
              f"{r['hit_rate']:7.4f} {r['recall_at_300']:7.4f} {r['fit']:8.3f} {r['serve']:8.3f}")
    print(f"{'shortlist union of candidates':44} {'':>7} {'':>7} {'':>8} {'':>7} {'':>7} {ours['unionRecall']:7.4f}")
    print()
    print(f"{'rating prediction':44} {'RMSE':>7} {'MAE':>7} {'fit s':>8}")
    if svd:
        print(f"{svd['system'] + ' ' + json.dumps(svd['params']):44} {svd['rmse']:7.4f} {svd['mae']:7.4f} {svd['fit']:8.3f}")
    fits = {g["stage"]: g["fitSeconds"] or 0 for g in ours["generators"]}
    for p in ours["ratingPredictors"]:
        print(f"{'shortlist ' + p['stage']:44} {p['rmse']:7.4f} {p['mae']:7.4f} {fits.get(p['stage'], 0):8.3f}")


if __name__ == "__main__":
    main()
