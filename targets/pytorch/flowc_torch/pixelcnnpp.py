"""PixelCNN++ (Salimans, Karpathy, Chen & Kingma 2017; runtime/ar/pixelcnnpp.ts), NCHW. The network is
the plan of compiler/math/pixelcnnpp.ts, built here the same way: node 0 the input (scaled to [−1, 1],
a channel of ones appended), the first convs of the u stream (2×3, shifted down) and the ul stream
(1×3 shifted down + 2×1 shifted right), an up pass of `scales` resolutions (stride-2 convs between
them) and a down pass back (stride-2 transposed convs, cropped like the released code's), gated
ResNet blocks x + a·σ(b) with concat-ELU, and shortcuts from the up pass to the down pass; the output
nin(elu(ul)) gives each pixel's likelihood parameters. Down-shifted convs pad kh−1 rows on top and
(kw−1)/2 columns each side, down-right-shifted ones kh−1 on top and kw−1 on the left. Node i's
weights are the tfjs variables `<Model>/pixelcnnpp/n<i>/W` (a gated block's c1, nin, c2 beneath).

JointPixelModel generates whole pixels in raster order (order raster(channels: joint)): log p(x) sums
each pixel's log-likelihood given the earlier pixels, and sampling runs one network pass per pixel."""
import math

import torch
from torch import nn
import torch.nn.functional as F

DOWN, DOWNRIGHT = ("down", 2, 3), ("downright", 2, 2)


def plan(resnets, scales):
    """the network's nodes, in the order and with the numbering of compiler/math/pixelcnnpp.ts"""
    nodes = [{"op": "input"}]

    def push(**node):
        nodes.append(node)
        return len(nodes) - 1

    u_list = [push(op="conv", g=DOWN, stride=1, src=0, shift="down")]
    ul_a = push(op="conv", g=("down", 1, 3), stride=1, src=0, shift="down")
    ul_b = push(op="conv", g=("downright", 2, 1), stride=1, src=0, shift="right")
    ul_list = [push(op="add", a=ul_a, b=ul_b)]
    S = max(1, scales)
    for s in range(S):
        if s > 0:
            u_list.append(push(op="conv", g=DOWN, stride=2, src=u_list[-1]))
            ul_list.append(push(op="conv", g=DOWNRIGHT, stride=2, src=ul_list[-1]))
        for _ in range(resnets):
            u_list.append(push(op="gated", g=DOWN, x=u_list[-1], aux=[]))
            ul_list.append(push(op="gated", g=DOWNRIGHT, x=ul_list[-1], aux=[u_list[-1]]))
    u, ul = u_list.pop(), ul_list.pop()
    for s in range(S - 1, -1, -1):
        if s < S - 1:
            u = push(op="deconv", g=DOWN, src=u, like=u_list[-1])
            ul = push(op="deconv", g=DOWNRIGHT, src=ul, like=ul_list[-1])
        for _ in range(resnets if s == S - 1 else resnets + 1):
            u = push(op="gated", g=DOWN, x=u, aux=[u_list.pop()])
            ul = push(op="gated", g=DOWNRIGHT, x=ul, aux=[u, ul_list.pop()])
    push(op="out", src=ul)
    return nodes


def _pad(g):
    """(left, right, top, bottom) zero padding of a conv window"""
    geom, kh, kw = g
    if geom == "down":
        return ((kw - 1) // 2, (kw - 1) // 2, kh - 1, 0)
    return (kw - 1, 0, kh - 1, 0)


class _Conv(nn.Module):
    """W [cout, cin, kh, kw] (a transposed conv's [cin, cout, kh, kw]), b [cout]; U(±1/√fan-in) × scale, b = 0"""

    def __init__(self, shape, fan_in, cout, scale=1.0):
        super().__init__()
        b = 1 / math.sqrt(fan_in)
        self.W = nn.Parameter(torch.empty(shape).uniform_(-b, b) * scale)
        self.b = nn.Parameter(torch.zeros(cout))


def concat_elu(x):
    return F.elu(torch.cat([x, -x], 1))


class PixelCnnPP(nn.Module):
    def __init__(self, shape, P, filters, resnets, scales, dropout, domain):
        super().__init__()
        C = shape[0]
        Fl, self.shape, self.P, self.dropout = filters, list(shape), P, dropout
        self.K = 2 if domain["kind"] == "binary" else domain.get("K")   # None: real data, fed as is
        self.nodes = plan(resnets, scales)
        for i, n in enumerate(self.nodes):
            op = n["op"]
            if op in ("conv", "deconv"):
                _, kh, kw = n["g"]
                cin = C + 1 if op == "conv" and n["src"] == 0 else Fl
                self.add_module(f"n{i}", _Conv((Fl, cin, kh, kw), kh * kw * cin, Fl))
            elif op == "gated":
                _, kh, kw = n["g"]
                m = nn.Module()
                m.c1 = _Conv((Fl, 2 * Fl, kh, kw), kh * kw * 2 * Fl, Fl)
                if n["aux"]:
                    a = 2 * Fl * len(n["aux"])
                    m.nin = _Conv((Fl, a, 1, 1), a, Fl)
                m.c2 = _Conv((2 * Fl, 2 * Fl, kh, kw), kh * kw * 2 * Fl, 2 * Fl, scale=0.1)
                self.add_module(f"n{i}", m)
            elif op == "out":
                self.add_module(f"n{i}", _Conv((P, Fl, 1, 1), Fl, P))

    @staticmethod
    def _conv(x, g, w, stride=1):
        return F.conv2d(F.pad(x, _pad(g)), w.W, w.b, stride=stride)

    def _gated(self, n, w, vals, training):
        x = vals[n["x"]]
        c1 = self._conv(concat_elu(x), n["g"], w.c1)
        if n["aux"]:
            c1 = c1 + F.conv2d(concat_elu(torch.cat([vals[a] for a in n["aux"]], 1)), w.nin.W, w.nin.b)
        h = F.dropout(concat_elu(c1), self.dropout, training=training and self.dropout > 0)
        a, b = self._conv(h, n["g"], w.c2).chunk(2, 1)
        return x + a * torch.sigmoid(b)

    def forward(self, x, training=False):
        """raw x [N, D] (channels-first) → parameters [N, H·W, P]; `training` turns dropout on"""
        C, H, W = self.shape
        N = x.shape[0]
        xin = x.reshape(N, C, H, W)
        if self.K:
            xin = xin * (2 / max(self.K - 1, 1)) - 1
        vals = []
        for i, n in enumerate(self.nodes):
            op, w = n["op"], getattr(self, f"n{i}", None)
            if op == "input":
                v = torch.cat([xin, torch.ones(N, 1, H, W, dtype=xin.dtype, device=xin.device)], 1)
            elif op == "conv":
                v = self._conv(vals[n["src"]], n["g"], w, n["stride"])
                h, wd = v.shape[2:]
                if n.get("shift") == "down":
                    v = F.pad(v, (0, 0, 1, 0))[:, :, :h]
                elif n.get("shift") == "right":
                    v = F.pad(v, (1, 0, 0, 0))[:, :, :, :wd]
            elif op == "deconv":
                like = vals[n["like"]]
                left = (n["g"][2] - 1) // 2 if n["g"][0] == "down" else 0
                y = F.conv_transpose2d(vals[n["src"]], w.W, stride=2)
                v = y[:, :, :like.shape[2], left:left + like.shape[3]] + w.b.view(1, -1, 1, 1)
            elif op == "add":
                v = vals[n["a"]] + vals[n["b"]]
            elif op == "gated":
                v = self._gated(n, w, vals, training)
            else:
                v = F.conv2d(F.elu(vals[n["src"]]), w.W, w.b)
            vals.append(v)
        return vals[-1].permute(0, 2, 3, 1).reshape(N, H * W, self.P)


class JointPixelModel(nn.Module):
    """whole pixels in raster order under a pixel likelihood (likelihoods.pixel_likelihood)"""
    family = "autoregressive"

    def __init__(self, name, data_shape, likelihood, conditional):
        super().__init__()
        self.name, self.data_shape = name, list(data_shape)
        self.C, self.HW = data_shape[0], data_shape[1] * data_shape[2]
        self.D = self.C * self.HW
        self.likelihood = likelihood
        holder = nn.Module()
        holder.add_module("pixelcnnpp", conditional)
        self.add_module(name, holder)          # registered at the tfjs prefix: <Model>/pixelcnnpp/...
        self.__dict__["cond"] = conditional

    def tf_name(self, key):
        return key.replace(".", "/")

    def torch_key(self, name):
        return name.replace("/", ".")

    def dtype(self):
        return next(self.parameters()).dtype

    def params(self, x, training=False):
        """the parameters of every pixel [N, H·W, P] and x as [N, D]"""
        x2 = x.reshape(x.shape[0], self.D).to(self.dtype())
        return self.cond(x2, training), x2

    def log_prob_per_pixel(self, x, training=False):
        p, x2 = self.params(x, training)
        return self.likelihood.log_prob(p, x2.reshape(-1, self.C, self.HW))

    def log_prob(self, x):
        return self.log_prob_per_pixel(x).sum(1)

    def loss(self, x):
        """the training objective: mean −log p with dropout on"""
        return -self.log_prob_per_pixel(x, training=True).sum(1).mean()

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None, uniforms=None):
        """one network pass per pixel, all its channels drawn from it. uniforms [H·W, n, 1 + C] (a
        mixture's component, then channel draws, per pixel and example) replace the generator's."""
        T = temperature if temperature > 0 else 1.0
        x = torch.zeros(n, self.C, self.HW, dtype=self.dtype())
        for p in range(self.HW):
            params, _ = self.params(x)
            u = None if uniforms is None else uniforms[p]
            x[:, :, p] = self.likelihood.sample(params[:, p], T, generator, u)
        return x.reshape(n, *self.data_shape)

    def trace(self, x):
        p, x2 = self.params(x)
        yield "conditional", p, self.likelihood.log_prob(p, x2.reshape(-1, self.C, self.HW)).sum(1)
