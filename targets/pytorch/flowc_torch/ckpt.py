"""flowc checkpoints (the format of runtime/checkpoint.ts), read and written from Python.

Layout: b"FLOWCKPT" | u32 version | u32 header length | header JSON | blobs (float32/int32 LE) | sha256.
The header holds step, cursor, optimizer state, meta, the FlowIR and the variables (name → blob).
Weights are stored in the TensorFlow.js layouts: dense [in, out], conv [kh, kw, cin, cout].
"""
import hashlib
import json
import os

import numpy as np

MAGIC = b"FLOWCKPT"
VERSION = 1
CHECKPOINT_FILE = "checkpoint.ckpt"
PREVIOUS_FILE = "checkpoint.prev.ckpt"


class CheckpointError(Exception):
    pass


def _decode(value, blobs):
    if isinstance(value, list):
        return [_decode(v, blobs) for v in value]
    if isinstance(value, dict):
        if isinstance(value.get("__tensor"), int):
            return blobs[value["__tensor"]]
        if isinstance(value.get("__f32"), int):
            return blobs[value["__f32"]]
        if isinstance(value.get("__i32"), int):
            return blobs[value["__i32"]]
        if isinstance(value.get("__num"), str):
            return float(value["__num"])
        return {k: _decode(v, blobs) for k, v in value.items()}
    return value


def read(path):
    """the checkpoint at `path` (a file, or a run directory: checkpoint.ckpt, else the previous one)"""
    if os.path.isdir(path):
        main, prev = os.path.join(path, CHECKPOINT_FILE), os.path.join(path, PREVIOUS_FILE)
        try:
            return read(main)
        except (CheckpointError, OSError) as e:
            if not os.path.exists(prev):
                raise CheckpointError(str(e)) from None
            return read(prev)
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 48 or buf[:8] != MAGIC:
        raise CheckpointError(f"{path}: not a flowc checkpoint")
    version = int.from_bytes(buf[8:12], "little")
    if version != VERSION:
        raise CheckpointError(f"{path}: checkpoint of version {version}; this reads version {VERSION}")
    body, digest = buf[:-32], buf[-32:]
    if hashlib.sha256(body).digest() != digest:
        raise CheckpointError(f"{path}: checkpoint is truncated or corrupt (checksum mismatch)")
    hlen = int.from_bytes(buf[12:16], "little")
    header = json.loads(body[16:16 + hlen].decode("utf8"))
    base = 16 + hlen
    blobs = []
    for r in header["blobs"]:
        dtype = "<i4" if r["dtype"] == "int32" else "<f4"
        start = base + r["offset"]
        a = np.frombuffer(body[start:start + 4 * r["length"]], dtype=dtype)
        if a.size != r["length"]:
            raise CheckpointError(f"{path}: checkpoint is truncated")
        blobs.append(a.astype(np.int32 if r["dtype"] == "int32" else np.float32).reshape(r["shape"]))
    variables = {v["name"]: blobs[v["__tensor"]] for v in header["variables"]}
    return {
        "step": header.get("step", 0),
        "cursor": header.get("cursor", 0),
        "optimizer": _decode(header.get("optimizer"), blobs),
        "meta": header.get("meta") or {},
        "ir": header["ir"],
        "variables": variables,
        "file": path,
    }


class _Encoder:
    def __init__(self):
        self.blobs = []

    def tensor(self, a):
        a = np.ascontiguousarray(a).reshape(np.shape(a))     # a 0-d array stays 0-d (a scalar variable)
        dtype = "int32" if a.dtype.kind in "iu" else "float32"
        self.blobs.append((a.astype("<i4" if dtype == "int32" else "<f4"), list(a.shape), dtype))
        return {"__tensor": len(self.blobs) - 1}

    def encode(self, value):
        if isinstance(value, np.ndarray):
            return self.tensor(value)
        if isinstance(value, (list, tuple)):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {k: self.encode(v) for k, v in value.items()}
        if isinstance(value, float) and not np.isfinite(value):
            return {"__num": str(value).replace("inf", "Infinity").replace("nan", "NaN")}
        return value


def encode(variables, ir, step=0, cursor=0, optimizer=None, meta=None):
    """checkpoint bytes: variables {name: ndarray in the tfjs layout}, in the given order"""
    enc = _Encoder()
    header = {"step": step, "cursor": cursor}
    if optimizer is not None:
        header["optimizer"] = enc.encode(optimizer)
    header["meta"] = meta or {}
    header["ir"] = ir
    header["variables"] = [dict(name=n, variable=n, **enc.tensor(a)) for n, a in variables.items()]
    refs, offset = [], 0
    for data, shape, dtype in enc.blobs:
        refs.append({"shape": shape, "dtype": dtype, "offset": offset, "length": int(data.size)})
        offset += 4 * int(data.size)
    header["blobs"] = refs
    hbuf = json.dumps(header, separators=(",", ":")).encode("utf8")
    pre = MAGIC + VERSION.to_bytes(4, "little") + len(hbuf).to_bytes(4, "little")
    body = pre + hbuf + b"".join(d.tobytes() for d, _, _ in enc.blobs)
    return body + hashlib.sha256(body).digest()


def write(run_dir, variables, ir, **state):
    """writes run_dir/checkpoint.ckpt atomically (temp file, fsync, rename), keeping the previous one"""
    data = encode(variables, ir, **state)
    file = os.path.join(run_dir, CHECKPOINT_FILE)
    prev = os.path.join(run_dir, PREVIOUS_FILE)
    tmp = os.path.join(run_dir, f".checkpoint.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if os.path.exists(file):
        if os.path.exists(prev):
            os.unlink(prev)
        try:
            os.link(file, prev)
        except OSError:
            import shutil
            shutil.copyfile(file, prev)
    os.replace(tmp, file)
    try:
        fd = os.open(run_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
    return file
