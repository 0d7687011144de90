"""Loading and saving a generated package's weights: flowc checkpoints (ckpt.py) hold the tfjs
layouts; conv weights ([kh, kw, cin, cout] there) are [cout, cin, kh, kw] here."""
import json
import os
import re

import numpy as np
import torch

from . import ckpt


def to_tf(name, t):
    a = t.detach().cpu().float().numpy()
    return np.ascontiguousarray(a.transpose(2, 3, 1, 0)) if a.ndim == 4 else a


def from_tf(name, a):
    a = np.asarray(a, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(a.transpose(3, 2, 0, 1)) if a.ndim == 4 else a.copy())


def tf_variables(model):
    """{tfjs variable name: ndarray in the tfjs layout}: parameters and persistent buffers"""
    name = getattr(model, "tf_name", lambda k: k)
    return {name(k): to_tf(k, v) for k, v in model.state_dict().items()}


def assign(model, variables, source="checkpoint"):
    """sets the model's parameters from {tfjs name: ndarray}, checking names and shapes"""
    key = getattr(model, "torch_key", lambda n: n)
    # tfjs suffixes ~k / #k to a name registered twice in one process
    variables = {key(re.sub(r"[~#]\d+$", "", n)): a for n, a in variables.items()}
    own = model.state_dict()
    missing = [k for k in own if k not in variables]
    extra = [k for k in variables if k not in own]
    if missing or extra:
        raise ValueError(f"{source}: weights do not match the model (missing {missing[:3]}, unexpected {extra[:3]})")
    new = {}
    for k, v in own.items():
        t = from_tf(k, variables[k])
        if tuple(t.shape) != tuple(v.shape):
            raise ValueError(f"{source}: weight {k} has shape {list(t.shape)}, the model {list(v.shape)}")
        new[k] = t.to(v.dtype)
    model.load_state_dict(new)


def constants(here):
    """the fixed tensors of the package's layers (invconv1x1's P and sign), by layer id"""
    file = os.path.join(here, "constants.json")
    if not os.path.exists(file):
        return {}
    with open(file) as f:
        return json.load(f)


def read_ir(here):
    return read_json(here, "model.ir.json")


def read_json(here, name):
    """a JSON file of the package (model.ir.json, made_members.json)"""
    with open(os.path.join(here, name)) as f:
        return json.load(f)


def load_weights(model, here, path=None):
    """path: a run directory or checkpoint (a train.py run, a flowc run); default the package's weights"""
    src = path or os.path.join(here, "weights.ckpt")
    c = ckpt.read(src)
    assign(model, c["variables"], src)
    return c


def layer_args(ir):
    """{layer id: FlowIR arguments} over every flow layer (a VAE's posterior and nested ones included)"""
    out = {}

    def walk(layers):
        for layer in layers or []:
            out[layer["id"]] = layer["args"]
            walk(layer["args"].get("flow"))

    walk(ir.get("flow"))
    walk((ir.get("posterior") or {}).get("flow"))
    return out
