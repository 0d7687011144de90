"""PixelRNN (van den Oord, Kalchbrenner & Kavukcuoglu 2016; runtime/ar/pixelrnn.ts), NCHW, h = hidden:
a 7×7 mask-A input conv C→2h; `layers` residual blocks, each an LSTM layer (gates i, f, o, u of h
channels each) brought back to 2h by a 1×1 mask-B conv and added; then ReLU → 1×1 → ReLU → 1×1 to C·P.
  Row LSTM: input-to-state 1×3 mask-B conv along the row, state-to-state 1×3 conv on the previous
    row's hidden state (no bias); rows one after the other.
  Diagonal BiLSTM: per direction input-to-state 1×1 and state-to-state 2×1 (no bias) on the skewed map
    (row i shifted right by i: a skewed column is a diagonal); the right-to-left direction runs on the
    mirrored map and is shifted down one row before it joins the left-to-right output.
The tfjs variables are named `<Model>/pixelrnn/layer0.is/W`: a dotted segment cannot be a torch module
name, so the module is `layer0_is` and `tf_segments` maps it back."""
import torch
from torch import nn
import torch.nn.functional as F

from .ar import _Conv, channel_groups, conv_mask

K0, C0 = 7, 3


def _cell(g, c_prev):
    i, f, o, u = g.chunk(4, dim=1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(u)
    return torch.sigmoid(o) * torch.tanh(c), c


def _no_bias(conv):
    del conv.b
    conv.b = None
    return conv


class PixelRnn(nn.Module):
    def __init__(self, shape, P, cell, layers, hidden):
        super().__init__()
        C, H, W = shape
        self.shape, self.P, self.row, hd = shape, P, cell == "row_lstm", hidden
        self.hd = hd
        h2 = 2 * hd
        hG, rG = channel_groups(hd, C), channel_groups(h2, C)
        g4 = hG * 4
        self.tf_segments = {}
        self._add("input", _Conv(K0, K0, C, h2, pad=(C0, C0, C0, C0),
                                 mask=conv_mask(K0, channel_groups(C, C), rG, "A")))
        self.L = max(1, layers)
        for l in range(self.L):
            L = f"layer{l}"
            if self.row:
                self._add(f"{L}.is", _Conv(1, 3, h2, 4 * hd, pad=(1, 1, 0, 0),
                                           mask=conv_mask(1, rG, g4, "B", kw=3, cy=0, cx=1)))
                self._add(f"{L}.ss", _no_bias(_Conv(1, 3, hd, 4 * hd, pad=(1, 1, 0, 0))))
            else:
                self._add(f"{L}.left.is", _Conv(1, 1, h2, 4 * hd, mask=conv_mask(1, rG, g4, "B")))
                self._add(f"{L}.left.ss", _no_bias(_Conv(2, 1, hd, 4 * hd, pad=(0, 0, 1, 0))))
                self._add(f"{L}.right.is", _Conv(1, 1, h2, 4 * hd))
                self._add(f"{L}.right.ss", _no_bias(_Conv(2, 1, hd, 4 * hd, pad=(0, 0, 1, 0))))
            self._add(f"{L}.up", _Conv(1, 1, hd, h2, mask=conv_mask(1, hG, rG, "B")))
        self._add("head0", _Conv(1, 1, h2, h2, mask=conv_mask(1, rG, rG, "B")))
        self._add("head1", _Conv(1, 1, h2, C * P, mask=conv_mask(1, rG, channel_groups(C * P, C), "B")))

    def _add(self, tf_name, module):
        key = tf_name.replace(".", "_")
        self.tf_segments[key] = tf_name
        self.add_module(key, module)

    def _m(self, tf_name):
        return getattr(self, tf_name.replace(".", "_"))

    def _row_lstm(self, l, h_in):
        n, _, H, W = h_in.shape
        is_ = self._m(f"layer{l}.is")(h_in)
        ss = self._m(f"layer{l}.ss")
        h = c = h_in.new_zeros(n, self.hd, 1, W)
        rows = []
        for i in range(H):
            h, c = _cell(is_[:, :, i:i + 1] + ss(h), c)
            rows.append(h)
        return torch.cat(rows, 2)

    def _diagonal(self, is_, ss):
        """one diagonal LSTM over the input-to-state map [N, 4h, H, W], skewed here"""
        n, _, H, W = is_.shape
        sk = torch.cat([F.pad(is_[:, :, i:i + 1], (i, H - 1 - i)) for i in range(H)], 2)
        h = c = is_.new_zeros(n, self.hd, H, 1)
        cols = []
        for t in range(sk.shape[3]):
            h, c = _cell(sk[:, :, :, t:t + 1] + ss(h), c)
            cols.append(h)
        out = torch.cat(cols, 3)
        return torch.cat([out[:, :, i:i + 1, i:i + W] for i in range(H)], 2)

    def _bilstm(self, l, h_in):
        L = f"layer{l}"
        fwd = self._diagonal(self._m(f"{L}.left.is")(h_in), self._m(f"{L}.left.ss"))
        mir = h_in.flip(3)
        bwd = self._diagonal(self._m(f"{L}.right.is")(mir), self._m(f"{L}.right.ss")).flip(3)
        return fwd + F.pad(bwd, (0, 0, 1, 0))[:, :, :-1]

    def forward(self, x):
        C, H, W = self.shape
        n = x.shape[0]
        h = self._m("input")(x.reshape(n, C, H, W))
        for l in range(self.L):
            s = self._row_lstm(l, h) if self.row else self._bilstm(l, h)
            h = h + self._m(f"layer{l}.up")(s)
        y = self._m("head1")(F.relu(self._m("head0")(F.relu(h))))
        return y.reshape(n, C, self.P, H, W).permute(0, 1, 3, 4, 2).reshape(n, C * H * W, self.P)
