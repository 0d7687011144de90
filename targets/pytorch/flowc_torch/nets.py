"""Conditioner nets (runtime/nets/): mlp, resnet, made. Images are NCHW here.

Each factory returns a function (in_shape, out_channels) -> nn.Module, so a layer builds its net
for the sizes it needs: in_shape is [C, H, W] or [D]; the net maps [N, *in_shape] to
[N, out_channels, H, W] or [N, out_channels]. Parameter names follow the tfjs runtime:
mlp/made `<l>.W` [in, out] and `<l>.b`; resnet `in`, `block<i>.conv0`, `block<i>.conv1`, `out`
with `W` (torch layout [cout, cin, k, k]; the checkpoint holds [k, k, cin, cout]) and `b`.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .activations import activation


def _uniform(shape, fan_in, zero):
    if zero:
        return torch.zeros(shape)
    b = 1.0 / math.sqrt(max(1, fan_in))
    return torch.empty(shape).uniform_(-b, b)


class Dense(nn.Module):
    """y = x @ (W ⊙ M) + b; W is [in, out] as in the tfjs runtime; M an optional fixed 0/1 mask"""

    def __init__(self, n_in, n_out, zero=False, mask=None):
        super().__init__()
        self.W = nn.Parameter(_uniform((n_in, n_out), n_in, zero))
        self.b = nn.Parameter(_uniform((n_out,), n_in, zero))
        self.register_buffer("mask", None if mask is None else torch.as_tensor(mask, dtype=torch.float32),
                             persistent=False)

    def forward(self, x):
        w = self.W if self.mask is None else self.W * self.mask
        return torch.addmm(self.b, x, w)


class Mlp(nn.ModuleList):
    """in → hidden... → out, the activation between layers; masks [in, out] per layer make it a MADE.
    A ModuleList, so that its layers are named 0, 1, ... as the tfjs runtime's are."""

    def __init__(self, sizes, act, zero_init_last=False, masks=None):
        n = len(sizes) - 1
        super().__init__(
            Dense(sizes[l], sizes[l + 1], zero_init_last and l == n - 1, None if masks is None else masks[l])
            for l in range(n))
        self.act = activation(act)

    def forward(self, x):
        for l, layer in enumerate(self):
            x = layer(x)
            if l + 1 < len(self):
                x = self.act(x)
        return x


class ImageMlp(Mlp):
    """an mlp on images: flattens in the tfjs runtime's (H, W, C) order, returns NCHW"""

    def __init__(self, in_shape, out_channels, hidden, act, zero_init_last):
        c, h, w = in_shape
        super().__init__([c * h * w, *hidden, out_channels * h * w], act, zero_init_last)
        self.hw = (h, w)
        self.out_channels = out_channels

    def forward(self, x):
        n = x.shape[0]
        h, w = self.hw
        y = super().forward(x.permute(0, 2, 3, 1).reshape(n, -1))
        return y.reshape(n, h, w, self.out_channels).permute(0, 3, 1, 2)


def mlp(hidden, act="relu", zero_init_last=True):
    def make(in_shape, out_channels):
        if len(in_shape) == 3:
            return ImageMlp(in_shape, out_channels, hidden, act, zero_init_last)
        return Mlp([in_shape[0], *hidden, out_channels], act, zero_init_last)
    return make


class Conv(nn.Module):
    """k×k conv, stride 1, zero 'same' padding, bias; W [cout, cin, k, k]"""

    def __init__(self, cin, cout, k, zero=False):
        super().__init__()
        self.W = nn.Parameter(_uniform((cout, cin, k, k), cin * k * k, zero))
        self.b = nn.Parameter(_uniform((cout,), cin * k * k, zero))
        self.pad = (k - 1) // 2

    def forward(self, x):
        return F.conv2d(x, self.W, self.b, padding=self.pad)


class ResNet(nn.Module):
    """h = in(x); blocks × [h += conv1(relu(conv0(relu(h))))]; out(relu(h))"""

    def __init__(self, cin, cout, blocks, channels, kernel=3, zero_init_last=True):
        super().__init__()
        self.add_module("in", Conv(cin, channels, kernel))
        self.blocks = blocks
        for i in range(blocks):
            self.add_module(f"block{i}", nn.Module())
            blk = getattr(self, f"block{i}")
            blk.conv0 = Conv(channels, channels, kernel)
            blk.conv1 = Conv(channels, channels, kernel)
        self.out = Conv(channels, cout, kernel, zero_init_last)

    def forward(self, x):
        h = getattr(self, "in")(x)
        for i in range(self.blocks):
            blk = getattr(self, f"block{i}")
            h = h + blk.conv1(F.relu(blk.conv0(F.relu(h))))
        return self.out(F.relu(h))


def resnet(blocks, channels, kernel=3, zero_init_last=True):
    def make(in_shape, out_channels):
        if len(in_shape) != 3:
            raise ValueError("a resnet conditioner needs image data [C, H, W]")
        return ResNet(in_shape[0], out_channels, blocks, channels, kernel, zero_init_last)
    return make


def made(hidden, act, masks, zero_init_last=False):
    """MADE for MAF/IAF: D → hidden... → 2D (μ then α); masks [out][in] per layer (FlowIR's convention).
    An input wider than the masks' D (in_shape [D + k]) takes k context entries after the D (a VAE posterior's
    encoder context h), connected to every unit of the first layer: unmasked, as h depends on x, not on z."""
    def make(in_shape, out_channels):
        d = len(masks[0][0])
        extra = in_shape[0] - d
        if extra < 0:
            raise ValueError(f"MADE input of {in_shape[0]} entries for masks over {d}")
        sizes = [d, *hidden, out_channels]
        ms = []
        for l, m in enumerate(masks):
            rows = m if not (l == len(masks) - 1 and len(m) == d and out_channels % d == 0) else m * (out_channels // d)
            if len(rows) != sizes[l + 1] or len(rows[0]) != sizes[l]:
                raise ValueError(f"MADE mask {l} is [{len(rows)}, {len(rows[0])}], "
                                 f"expected [{sizes[l + 1]}, {sizes[l]}]")
            if l == 0 and extra:
                rows = [list(r) + [1] * extra for r in rows]
            ms.append(torch.tensor(rows, dtype=torch.float32).t().contiguous())
        return Mlp([d + extra, *sizes[1:]], act, zero_init_last, ms)
    return make
