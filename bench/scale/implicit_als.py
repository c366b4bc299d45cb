"""implicit's ALS on the scale benchmark's log: the same factors, sweeps, regularisation,
confidence and threads as Shortlist's `als` stage. Prints one JSON line.

    python implicit_als.py LOG.tsv --factors 64 --iterations 5 --regularization 0.1 \
        --alpha 5 --threads 2 --recommend 100

The TSV read (pandas) and the CSR build (scipy) are timed apart from the fit. Shortlist's
confidence with `confidence: binary` is 1 + alpha for every interaction; implicit's is its
`alpha` times the matrix value, so the matrix holds ones and implicit gets 1 + alpha. The
conjugate-gradient steps per solve are the same (implicit's `cg_steps`, Shortlist's
`cg-steps`, 3 by default). Then the top `--recommend` items for every user at once
(`recommend` with an array of users, `filter_already_liked_items`), as Shortlist's
`recommend --users all` retrieves its stage's `limit` items per user. Peak memory is the
process's maximum resident set.
"""
import argparse
import json
import os
import resource
import time

parser = argparse.ArgumentParser()
parser.add_argument("log")
parser.add_argument("--factors", type=int, default=64)
parser.add_argument("--iterations", type=int, default=5)
parser.add_argument("--regularization", type=float, default=0.1)
parser.add_argument("--alpha", type=float, default=5.0)
parser.add_argument("--cg-steps", type=int, default=3)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--recommend", type=int, default=100)
args = parser.parse_args()

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from implicit.cpu.als import AlternatingLeastSquares  # noqa: E402

start = time.perf_counter()
frame = pd.read_csv(args.log, sep="\t", usecols=["user", "item"], dtype={"user": np.int64, "item": np.int64})
read = time.perf_counter() - start

start = time.perf_counter()
users = frame["user"].astype("category").cat.codes.to_numpy()
items = frame["item"].astype("category").cat.codes.to_numpy()
matrix = sp.csr_matrix(
    (np.ones(len(frame), dtype=np.float32), (users, items)),
    shape=(users.max() + 1, items.max() + 1))
matrix.sum_duplicates()
matrix.data[:] = 1
build = time.perf_counter() - start

model = AlternatingLeastSquares(
    factors=args.factors, regularization=args.regularization, alpha=1 + args.alpha,
    iterations=args.iterations, use_cg=True, calculate_training_loss=False,
    num_threads=args.threads, random_state=42, dtype=np.float32)
model.cg_steps = args.cg_steps
start = time.perf_counter()
model.fit(matrix, show_progress=False)
fit = time.perf_counter() - start

start = time.perf_counter()
everyone = np.arange(matrix.shape[0])
ids, scores = model.recommend(everyone, matrix, N=args.recommend, filter_already_liked_items=True)
recommend = time.perf_counter() - start

print(json.dumps({
    "read_s": read, "csr_s": build, "fit_s": fit, "recommend_s": recommend,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "users": int(matrix.shape[0]), "items": int(matrix.shape[1]), "interactions": int(matrix.nnz),
}))
