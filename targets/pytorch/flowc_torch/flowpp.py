"""The Flow++ conditioner, `net: flowpp(blocks, channels, heads, dropout)` (runtime/nets/flowpp.ts; Ho et al.
2019, §3.3): h = in(x) + pos; blocks × [h = LN(h + gate(conv(concat_elu(conv(concat_elu(h)))))),
h = LN(h + gate(attn(MHSA(h + pos))))]; out(h). gate(c) = a·σ(b) over the two channel halves; layer norm
over channels; multi-head self-attention over all H·W positions. Images are NCHW; vectors [N, n] run as an
n×1 grid with one channel, kernel 1, and a dense `out` over the flattened (position, channel) features.
Dropout acts only while a loss is differentiated in training mode, as in the tfjs runtime.
Parameter names are the tfjs runtime's: pos [H, W, ch] (its layout), in, block<i>.{conv, gate, ln1, qkv,
attn, ln2}, out."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .nets import Conv, Dense


def _concat_elu(x):
    return F.elu(torch.cat([x, -x], 1))


def _gate(c):
    a, b = c.chunk(2, dim=1)
    return a * torch.sigmoid(b)


class LayerNorm(nn.Module):
    """normalizes over the channel axis (1), then g·x̂ + b per channel"""

    def __init__(self, channels):
        super().__init__()
        self.g = nn.Parameter(torch.ones(channels))
        self.b = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        mean = x.mean(1, keepdim=True)
        var = ((x - mean) ** 2).mean(1, keepdim=True)
        return (x - mean) * torch.rsqrt(var + 1e-5) * self.g.view(1, -1, 1, 1) + self.b.view(1, -1, 1, 1)


class FlowppNet(nn.Module):
    def __init__(self, in_shape, out_channels, blocks, channels, heads, dropout=0.0, zero_init_last=True):
        super().__init__()
        if channels % heads:
            raise ValueError(f"flowpp channels {channels} is not a multiple of heads {heads}")
        self.vector = len(in_shape) == 1
        cin, h, w = (1, in_shape[0], 1) if self.vector else in_shape
        k = 1 if self.vector else 3
        self.hw, self.channels, self.heads, self.rate = (h, w), channels, heads, dropout
        self.pos = nn.Parameter(torch.randn(h, w, channels) * 0.01)
        self.add_module("in", Conv(cin, channels, k))
        self.blocks = blocks
        for i in range(blocks):
            blk = nn.Module()
            blk.conv = Conv(2 * channels, channels, k)
            blk.gate = Conv(2 * channels, 2 * channels, 1)
            blk.ln1 = LayerNorm(channels)
            blk.qkv = Conv(channels, 3 * channels, 1)
            blk.attn = Conv(channels, 2 * channels, 1)
            blk.ln2 = LayerNorm(channels)
            self.add_module(f"block{i}", blk)
        self.out = Dense(h * channels, out_channels, zero_init_last) if self.vector else \
            Conv(channels, out_channels, k, zero_init_last)

    def _dropout(self, x):
        return F.dropout(x, self.rate, True) if self.rate > 0 and self.training and torch.is_grad_enabled() else x

    def _attention(self, x, qkv, pos):
        n, ch, h, w = x.shape
        d, t = ch // self.heads, h * w
        c = qkv(x + pos).permute(0, 2, 3, 1).reshape(n, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        q, k, v = c[0], c[1], c[2]                                        # [N, heads, T, d]
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1) @ v
        return a.permute(0, 2, 1, 3).reshape(n, h, w, ch).permute(0, 3, 1, 2)

    def forward(self, x):
        n = x.shape[0]
        if self.vector:
            x = x.reshape(n, 1, self.hw[0], 1)
        pos = self.pos.permute(2, 0, 1).unsqueeze(0)
        h = getattr(self, "in")(x) + pos
        for i in range(self.blocks):
            blk = getattr(self, f"block{i}")
            c1 = self._dropout(_concat_elu(blk.conv(_concat_elu(h))))
            h = blk.ln1(h + _gate(blk.gate(c1)))
            a = self._dropout(self._attention(h, blk.qkv, pos))
            h = blk.ln2(h + _gate(blk.attn(a)))
        if not self.vector:
            return self.out(h)
        return self.out(h.permute(0, 2, 3, 1).reshape(n, -1))


def flowpp(blocks, channels, heads, dropout=0.0, zero_init_last=True):
    def make(in_shape, out_channels):
        return FlowppNet(in_shape, out_channels, blocks, channels, heads, dropout, zero_init_last)
    return make
