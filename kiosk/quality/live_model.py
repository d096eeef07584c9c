"""The live estimator's model: small gradient-boosted regression trees, in numpy, stored as data.

NFIQ 2 itself is a random forest over its block histograms, so a tree ensemble over the same kind of
inputs is the natural stand-in; it captures the thresholds NFIQ 2 has (a print either has plausible
ridge widths or it does not). It is written here rather than taken from a library because it is tiny
(fitting ~300 samples takes a second), evaluating it is a few array lookups per frame, and the fitted
trees are plain numbers committed as JSON (`resources/quality/live_model.json`), refitted with
`python -m kiosk.fitting.fit_live`.

Fitting uses histogram splits (each feature cut at up to 32 quantiles of the training set), squared
loss, shrinkage, and row and column subsampling from a seeded generator, so a refit is reproducible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "kiosk.quality.live_model/1"


@dataclass(frozen=True)
class Settings:
    rounds: int = 300
    rate: float = 0.05
    depth: int = 2
    min_leaf: int = 5
    bins: int = 32
    rows: float = 0.7
    columns: float = 0.5
    seed: int = 7


@dataclass(frozen=True)
class TreeModel:
    """Full binary trees of one depth: internal nodes and leaves in heap order."""

    names: tuple[str, ...]
    base: float
    rate: float
    depth: int
    feature: np.ndarray  # (trees, 2**depth - 1) int
    threshold: np.ndarray  # (trees, 2**depth - 1) float; x <= threshold goes left
    leaf: np.ndarray  # (trees, 2**depth) float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Estimates (0–100) for the rows of `x` (columns in `names` order)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        trees = self.feature.shape[0]
        node = np.zeros((x.shape[0], trees), dtype=np.int64)
        columns = np.arange(trees)
        for _ in range(self.depth):
            feature = self.feature[columns, node]
            right = np.take_along_axis(x, feature, axis=1) > self.threshold[columns, node]
            node = 2 * node + 1 + right
        leaves = node - (2**self.depth - 1)
        total = self.base + self.rate * self.leaf[columns, leaves].sum(axis=1)
        return np.clip(total, 0.0, 100.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "names": list(self.names),
            "base": self.base,
            "rate": self.rate,
            "depth": self.depth,
            "feature": self.feature.tolist(),
            "threshold": [[_finite(v) for v in row] for row in self.threshold.tolist()],
            "leaf": [[round(v, 6) for v in row] for row in self.leaf.tolist()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a live estimator model (format {data.get('format')!r})")
        threshold = np.array([[np.inf if v is None else v for v in row] for row in data["threshold"]], float)
        return cls(
            names=tuple(data["names"]),
            base=float(data["base"]),
            rate=float(data["rate"]),
            depth=int(data["depth"]),
            feature=np.array(data["feature"], dtype=np.int64),
            threshold=threshold,
            leaf=np.array(data["leaf"], dtype=np.float64),
        )

    def save(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        payload = self.to_json() | ({"fit": extra} if extra else {})
        path.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TreeModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def _finite(value: float) -> float | None:
    return None if not np.isfinite(value) else float(np.float32(value))


def _edges(column: np.ndarray, bins: int) -> np.ndarray:
    quantiles = np.quantile(column, np.arange(1, bins) / bins)
    return np.unique(quantiles)


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], settings: Settings | None = None) -> TreeModel:
    """Boosted trees predicting `y` (NFIQ 2 scores) from the rows of `x`."""
    s = settings or Settings()
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    samples, features = x.shape
    rng = np.random.default_rng(s.seed)
    edges = [_edges(x[:, j], s.bins) for j in range(features)]
    width = max(len(e) for e in edges) + 1
    binned = np.stack([np.searchsorted(edges[j], x[:, j], side="left") for j in range(features)], axis=1)
    offsets = np.arange(features) * width
    internal, leaves = 2**s.depth - 1, 2**s.depth
    feature = np.zeros((s.rounds, internal), np.int64)
    threshold = np.full((s.rounds, internal), np.inf)
    leaf = np.zeros((s.rounds, leaves))
    base = float(y.mean())
    prediction = np.full(samples, base)
    for t in range(s.rounds):
        residual = y - prediction
        rows = np.flatnonzero(rng.random(samples) < s.rows)
        allowed: np.ndarray = np.asarray(rng.random(features) < s.columns)
        if not allowed.any():
            allowed[rng.integers(features)] = True
        members = {0: rows}
        for node in range(internal):
            index = members.pop(node)
            split = _best_split(
                binned[index] + offsets, residual[index], allowed, features, width, s.min_leaf
            )
            if split is None:
                members[2 * node + 1], members[2 * node + 2] = index, index[:0]
                continue
            j, b = split
            feature[t, node], threshold[t, node] = j, edges[j][b]
            left = binned[index, j] <= b
            members[2 * node + 1], members[2 * node + 2] = index[left], index[~left]
        fallback = float(residual[rows].mean()) if rows.size else 0.0
        for k in range(leaves):
            index = members[internal + k]
            leaf[t, k] = float(residual[index].mean()) if index.size else fallback
        model = TreeModel(names, 0.0, 1.0, s.depth, feature[t : t + 1], threshold[t : t + 1], leaf[t : t + 1])
        prediction += s.rate * _raw(model, x)
    return TreeModel(tuple(names), base, s.rate, s.depth, feature, threshold, leaf)


def _raw(model: TreeModel, x: np.ndarray) -> np.ndarray:
    node = np.zeros(x.shape[0], dtype=np.int64)
    for _ in range(model.depth):
        f = model.feature[0, node]
        node = 2 * node + 1 + (x[np.arange(x.shape[0]), f] > model.threshold[0, node])
    return model.leaf[0, node - (2**model.depth - 1)]


def _best_split(
    keys: np.ndarray, residual: np.ndarray, allowed: np.ndarray, features: int, width: int, min_leaf: int
) -> tuple[int, int] | None:
    """Best (feature, bin) cut of one node by the squared-error gain, or None when none is allowed."""
    n = residual.size
    if n < 2 * min_leaf:
        return None
    flat = keys.ravel()
    sums = np.bincount(flat, weights=np.repeat(residual, features), minlength=features * width).reshape(
        features, width
    )
    counts = np.bincount(flat, minlength=features * width).reshape(features, width)
    left_sum, left_n = np.cumsum(sums, axis=1)[:, :-1], np.cumsum(counts, axis=1)[:, :-1]
    total = residual.sum()
    right_n = n - left_n
    valid = (left_n >= min_leaf) & (right_n >= min_leaf) & allowed[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = left_sum**2 / left_n + (total - left_sum) ** 2 / right_n - total**2 / n
    gain = np.where(valid, gain, -np.inf)
    best = int(np.argmax(gain))
    j, b = divmod(best, width - 1)
    if not np.isfinite(gain[j, b]) or gain[j, b] <= 1e-12:
        return None
    return j, b
