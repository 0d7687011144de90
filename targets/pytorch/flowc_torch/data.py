"""Training data for train.py: the sources `flowc train` reads. Files: .csv (one example per row,
optional header), .npy, .idx / -ubyte (optionally .gz); FILE?binarize[=T] thresholds to {0, 1}.
`flowc data export SRC -o FILE.npy` writes any flowc source (MNIST, every toy set) row for row as
flowc train sees it (`--labels y.npy`: the labels of a conditioned model's rows too); toy:moons, toy:circles and
toy:8gaussians are also drawn here directly."""
import gzip
import math
import os

import numpy as np


class DataError(Exception):
    pass


def _csv(path):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [s.strip() for s in line.split(",")]
            try:
                rows.append([float(s) for s in fields])
            except ValueError:
                if rows:
                    raise DataError(f"{path}: line {i + 1} is not numbers") from None
                continue  # a header row
            if len(rows[-1]) != len(rows[0]):
                raise DataError(f"{path}: line {i + 1} has {len(rows[-1])} columns, the first row {len(rows[0])}")
    if not rows:
        raise DataError(f"{path}: no data rows")
    return np.asarray(rows, dtype=np.float32)


IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise DataError(f"{path}: not an IDX file")
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    a = np.frombuffer(raw, dtype=IDX_TYPES[raw[2]], offset=4 + 4 * nd, count=math.prod(dims))
    return a.astype(np.float32).reshape(dims)


def _toy(name, n=8192, noise=None, seed=7):
    rng = np.random.default_rng(seed)
    if name == "moons":
        h1 = (n + 1) // 2
        t1, t2 = np.linspace(0, np.pi, h1), np.linspace(0, np.pi, n - h1)
        pts = np.concatenate([np.stack([np.cos(t1), np.sin(t1)], 1), np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], 1)])
        noise = 0.05 if noise is None else noise
    elif name == "circles":
        h1 = (n + 1) // 2
        t1, t2 = np.linspace(0, 2 * np.pi, h1, endpoint=False), np.linspace(0, 2 * np.pi, n - h1, endpoint=False)
        pts = np.concatenate([np.stack([np.cos(t1), np.sin(t1)], 1), 0.5 * np.stack([np.cos(t2), np.sin(t2)], 1)])
        noise = 0.05 if noise is None else noise
    elif name == "8gaussians":
        k = rng.integers(0, 8, n)
        pts = 2 * np.stack([np.cos(k * np.pi / 4), np.sin(k * np.pi / 4)], 1)
        noise = 0.1 if noise is None else noise
    else:
        raise DataError(f"toy:{name} is not drawn by train.py; "
                        f"write it with `flowc data export toy:{name} -o {name}.npy`"
                        f" and pass --data {name}.npy")
    pts = pts + noise * rng.standard_normal(pts.shape)
    return rng.permutation(pts).astype(np.float32)


def load_file(src):
    path, _, query = src.partition("?")
    if not os.path.isfile(path):
        raise DataError(f"{path}: no such data file")
    low = path.lower()
    if low.endswith(".csv"):
        x = _csv(path)
    elif low.endswith(".npy"):
        x = np.load(path, allow_pickle=False).astype(np.float32)
    elif low.endswith((".idx", ".idx.gz", "-ubyte", "-ubyte.gz")):
        x = _idx(path)
    else:
        raise DataError(f"{path}: unknown data format (use .csv, .npy, .idx, -ubyte, optionally .gz)")
    if query.startswith("binarize"):
        t = float(query.split("=", 1)[1]) if "=" in query else 128.0
        x = (x >= t).astype(np.float32)
    return x


def from_ir(source, conditioned=False):
    """the spec's train { data: ... } source (toy sets only; others need flowc data export)"""
    kind, args = source["source"], dict(source.get("args") or {})
    if kind == "toy":
        return _toy(args.pop("name"), **{k: v for k, v in args.items() if k in ("n", "noise", "seed")})
    labels = f" --labels {kind}-labels.npy" if conditioned else ""
    raise DataError(f"the spec's data source {kind}(...) is read by flowc; write it with "
                    f"`flowc data export {kind} -o {kind}.npy{labels}` and pass --data {kind}.npy{labels}")


def load(src, ir):
    """rows shaped like the model's data [N, *shape], float32"""
    if src is None:
        if not ir["train"].get("data"):
            raise DataError("the spec names no training data; pass --data FILE")
        x = from_ir(ir["train"]["data"], ir.get("condition") is not None)
    elif src.startswith("toy:"):
        x = _toy(src[4:])
    else:
        x = load_file(src[6:] if src.startswith("mnist:") else src)
    shape = ir["data"]["shape"]
    per = math.prod(shape)
    if x.size % per or x.reshape(x.shape[0], -1).shape[1] != per:
        raise DataError(f"{src or 'the data'}: rows of {x.reshape(x.shape[0], -1).shape[1]} values; "
                        f"the model's data is {shape} ({per} values)")
    x = x.reshape(x.shape[0], *shape)
    if not np.isfinite(x).all():
        bad = int(np.nonzero(~np.isfinite(x.reshape(x.shape[0], -1)).any(1))[0][0])
        raise DataError(f"{src or 'the data'}: row {bad + 1} has a value that is not finite")
    return x


def load_labels(src, ir, n):
    """the labels of a `condition y` model's n data rows (--labels FILE: .csv/.npy/.idx, one row per example: a
    class 0..K−1, or the condition's vector), as flowc train --labels reads them: [n] classes or [n, size] reals"""
    c = ir.get("condition")
    if c is None:
        raise DataError(f"--labels {src}: {ir['model']} is not conditioned (no `condition` declaration)")
    if src is None:
        raise DataError(f"{ir['model']} is conditioned on `{c['name']}`: pass --labels FILE with one row per example "
                        f"(`flowc data export SRC -o x.npy --labels y.npy` writes both)")
    y = load_file(src)
    y = y.reshape(len(y), -1)
    categorical = c["domain"]["kind"] == "categorical"
    per = 1 if categorical else c["size"]
    if len(y) != n:
        raise DataError(f"--labels {src}: {len(y)} rows of labels, but the data has {n} examples")
    if y.shape[1] != per:
        raise DataError(f"--labels {src}: rows of {y.shape[1]} values; `{c['name']}` takes {per} per example")
    if categorical:
        bad = (y[:, 0] != np.round(y[:, 0])) | (y[:, 0] < 0) | (y[:, 0] >= c["size"])
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise DataError(f"--labels {src}: row {i + 1} has label {y[i, 0]:g}, not a class 0..{c['size'] - 1} "
                            f"of `{c['name']}`")
        return y[:, 0].astype(np.int64)
    if not np.isfinite(y).all():
        raise DataError(f"--labels {src}: row {int(np.nonzero(~np.isfinite(y).all(1))[0][0]) + 1} is not finite")
    return y.astype(np.float32)


def split(x, seed, y=None):
    """a seeded shuffle, the last 10% (at least one row) held out; y (labels) split with x"""
    if len(x) < 2:
        return (x, x) if y is None else (x, x, y, y)
    idx = np.random.default_rng(seed).permutation(len(x))
    n_test = max(1, round(len(x) * 0.1))
    tr, te = idx[:-n_test], idx[-n_test:]
    return (x[tr], x[te]) if y is None else (x[tr], x[te], y[tr], y[te])
