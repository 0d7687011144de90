"""The conditioning context of a `condition y` model (context_of: labels → one-hot rows, as
runtime/condition.ts) and how a layer receives it (runtime/bijectors/context.ts): ctx [N, k] (a vector) or
[N, k, H, W] (a feature map, NCHW here). A coupling joins it to its conditioner's input along the channel
(vector) axis:
  vector layer [D],     vector ctx [k]        → +k inputs
  image layer [C,H,W],  vector ctx [k]        → tiled over H×W, +k channels
  image layer [C,H,W],  image ctx [k,H,W]     → +k channels
  image layer [C,H,W],  image ctx [k,2ⁿH,2ⁿW] → squeezed n times like the flow's squeeze, +4ⁿk channels"""
import math

import torch
import torch.nn.functional as F


def _squeeze(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(n, 4 * c, h // 2, w // 2)


class Context:
    """how a layer of shape `layer_shape` ([C, H, W] or [D]) takes a context of shape `context_shape`
    ([k], or [k, H', W'] channels-first); `extra` is the inputs it adds to the conditioner"""

    def __init__(self, layer_id, context_shape, layer_shape):
        self.id = layer_id
        self.shape = list(context_shape)
        k = self.shape[0]
        self.squeezes = 0
        if len(self.shape) == 1:
            self.extra = k
            return
        if len(layer_shape) != 3:
            raise ValueError(f"{layer_id}: a feature-map context cannot condition a vector layer")
        hc, h = self.shape[1], layer_shape[1]
        while hc >> self.squeezes > h and (hc >> self.squeezes) % 2 == 0:
            self.squeezes += 1
        if hc != h << self.squeezes or self.shape[2] != layer_shape[2] << self.squeezes:
            raise ValueError(f"{layer_id}: a context of shape {self.shape} does not fit the layer's grid {layer_shape}")
        self.extra = k * 4 ** self.squeezes

    def join(self, cond, ctx):
        """cond ‖ ctx along the channel axis (ctx tiled or squeezed to cond's grid)"""
        if ctx is None:
            raise ValueError(f"{self.id}: this layer was built with a conditioning context; pass ctx")
        if list(ctx.shape[1:]) != self.shape:
            raise ValueError(f"{self.id}: the context has shape {list(ctx.shape[1:])}, the model expects {self.shape}")
        if cond.dim() == 4 and ctx.dim() == 2:
            ctx = ctx[:, :, None, None].expand(-1, -1, cond.shape[2], cond.shape[3])
        for _ in range(self.squeezes):
            ctx = _squeeze(ctx)
        return torch.cat([cond, ctx.to(cond.dtype)], 1)


def context_for(layer_id, context_shape, layer_shape):
    """the layer's Context, or None when it has none"""
    return None if not context_shape else Context(layer_id, context_shape, layer_shape)


def context_of(condition, y, n):
    """the context [n, size] of a `condition y` model (runtime/condition.ts): a class label 0..K−1 becomes its
    one-hot row, a real condition is used as it is; y: one value per example, or one (class or vector) for all"""
    size, categorical = condition["size"], condition["domain"]["kind"] == "categorical"
    y = torch.as_tensor(y)
    if categorical:
        y = y.reshape(-1).expand(n) if y.numel() == 1 else y.reshape(-1)
        if y.numel() != n:
            raise ValueError(f"{y.numel()} labels for {n} examples")
        bad = (y != y.round()) | (y < 0) | (y >= size)
        if bad.any():
            i = int(bad.nonzero()[0])
            raise ValueError(f"label {float(y[i]):g} of example {i} is not a class 0..{size - 1} "
                             f"of `{condition['name']}`")
        return F.one_hot(y.long(), size).float()
    y = y.float().reshape(-1, size) if y.numel() % size == 0 else y
    if y.dim() != 2 or y.shape[1] != size or y.shape[0] not in (1, n):
        raise ValueError(f"condition values of shape {list(y.shape)} for {n}×{size}")
    return y.expand(n, size)


def sample_context(condition, n, y=None):
    """the context of n samples (runtime/condition.ts sampleContext): every sample of class y (a real condition:
    every entry y, or the vector y) when given, else the classes in blocks of ⌈n / K⌉ (a grid with that many
    columns has one row per class; a real condition: zeros)"""
    if y is not None and condition["domain"]["kind"] != "categorical" and torch.as_tensor(y).numel() == 1:
        return torch.full((n, condition["size"]), float(y))                # every entry = y
    if y is not None:
        return context_of(condition, y, n)
    if condition["domain"]["kind"] == "categorical":
        per = max(1, math.ceil(n / condition["size"]))
        return context_of(condition, [min(condition["size"] - 1, i // per) for i in range(n)], n)
    return torch.zeros(n, condition["size"])
