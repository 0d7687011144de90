"""The flow layers of FlowIR (runtime/bijectors/), NCHW. forward = density direction (data → latent)
returning (y, log_det, out) — out is the factored-out latent of a split, else None —; inverse =
sampling direction returning (x, log_det). log_det is per example, shape [N]."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .activations import activation, activation_grad
from .common import channel_view, flat_latent, solve_monotone, sum_except_batch, unflat_latent
from .context import context_for

SIGMOID_SCALE_SHIFT = 2.0


def log_scale(s_raw, kind):
    if kind == "exp":
        return s_raw
    if kind == "tanh":
        return torch.tanh(s_raw)
    if kind == "sigmoid":
        return F.logsigmoid(s_raw + SIGMOID_SCALE_SHIFT)
    raise ValueError(f"unknown coupling scale '{kind}'")


class Layer(nn.Module):
    """a flow layer; `out_size` is the size of the latent part it factors out (split layers)"""
    out_size = 0


def channel_parts(m):
    """the conditioning (all-1) and transformed (all-0) channels of a mask [C, H, W] that is channel-wise,
    else (None, None)"""
    if m.dim() != 3 or m.shape[1] * m.shape[2] == 1:
        return None, None
    per = m.reshape(m.shape[0], -1)
    full, empty = (per == 1).all(1), (per == 0).all(1)
    if bool((full | empty).all()) and bool(full.any()) and bool(empty.any()):
        return [int(c) for c in torch.nonzero(full).flatten()], [int(c) for c in torch.nonzero(empty).flatten()]
    return None, None


class Coupling(Layer):
    """y = b⊙x + (1−b)⊙(x⊙exp(s) + t), (s_raw, t) = net(x⊙b), s = g(s_raw); mask b: 1 = conditions.
    A channel-wise mask on images (every channel all-in or all-out): the net sees only the
    conditioning channels and emits only the transformed ones."""

    def __init__(self, shape, mask, type, scale, net, context=None):
        super().__init__()
        self.affine = type == "affine"
        self.scale = scale
        m = torch.tensor(mask, dtype=torch.float32).reshape(shape)
        mult = 2 if self.affine else 1
        self.context = context_for("coupling", context, shape)
        extra = self.context.extra if self.context else 0
        self.a, self.b = channel_parts(m)
        if self.a is not None:
            self.net = net([len(self.a) + extra, *shape[1:]], mult * len(self.b))
            # contiguous halves (the usual channel mask) are plain slices, not gathers
            self.slices = (self.a == list(range(len(self.a))) and self.b == list(range(len(self.a), shape[0]))) or \
                (self.b == list(range(len(self.b))) and self.a == list(range(len(self.b), shape[0])))
        else:
            self.register_buffer("mask", m, persistent=False)
            self.register_buffer("keep", 1 - m, persistent=False)
            self.net = net([shape[0] + extra, *shape[1:]], mult * shape[0])

    def _params(self, cond, keep, ctx=None):
        o = self.net(self.context.join(cond, ctx) if self.context else cond)
        if not self.affine:
            return None, o if keep is None else o * keep
        s_raw, t = o.chunk(2, dim=1)
        ls = log_scale(s_raw, self.scale)
        return (ls, t) if keep is None else (ls * keep, t * keep)

    def _couple(self, x, sign, ctx=None):
        if self.a is not None:
            if self.slices:
                na = len(self.a)
                xa, xb = (x[:, :na], x[:, na:]) if self.a[0] == 0 else (x[:, -na:], x[:, :-na])
            else:
                xa, xb = x[:, self.a], x[:, self.b]
            ls, t = self._params(xa, None, ctx)
            if sign > 0:
                yb = xb * torch.exp(ls) + t if ls is not None else xb + t
            else:
                yb = (xb - t) * torch.exp(-ls) if ls is not None else xb - t
            if self.slices:
                y = torch.cat([xa, yb] if self.a[0] == 0 else [yb, xa], 1)
            else:
                y = x.clone()
                y[:, self.b] = yb
        else:
            ls, t = self._params(x * self.mask, self.keep, ctx)
            if sign > 0:
                y = x * torch.exp(ls) + t if ls is not None else x + t
            else:
                y = (x - t) * torch.exp(-ls) if ls is not None else x - t
        ld = sign * sum_except_batch(ls) if ls is not None else x.new_zeros(x.shape[0])
        return y, ld

    def forward(self, x, ctx=None):
        y, ld = self._couple(x, 1, ctx)
        return y, ld, None

    def inverse(self, y, out=None, ctx=None):
        return self._couple(y, -1, ctx)


class Squeeze(Layer):
    """[C, H, W] → [4C, H/2, W/2]: out[(di·2 + dj)·C + c, i, j] = in[c, 2i + di, 2j + dj]"""

    def forward(self, x):
        n, c, h, w = x.shape
        y = x.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(n, 4 * c, h // 2, w // 2)
        return y, x.new_zeros(n), None

    def inverse(self, y, out=None):
        n, c4, h, w = y.shape
        c = c4 // 4
        x = y.reshape(n, 2, 2, c, h, w).permute(0, 3, 4, 1, 5, 2).reshape(n, c, 2 * h, 2 * w)
        return x, y.new_zeros(n)


class Split(Layer):
    """keeps channels [0, keep) (vectors: the first `keep` entries), factors the rest out; prior
    'conditional': ε = (z2 − μ(z1))·exp(−ℓ(z1)) from a zero-initialised 3×3 conv (dense on vectors)"""

    def __init__(self, in_shape, keep, prior):
        super().__init__()
        self.keep = keep
        self.drop = in_shape[0] - keep
        self.drop_shape = [self.drop, *in_shape[1:]]
        self.out_size = math.prod(self.drop_shape)
        self.prior = None
        if prior == "conditional":
            self.prior = nn.Module()
            if len(in_shape) == 3:
                self.prior.W = nn.Parameter(torch.zeros(2 * self.drop, keep, 3, 3))
            else:
                self.prior.W = nn.Parameter(torch.zeros(keep, 2 * self.drop))
            self.prior.b = nn.Parameter(torch.zeros(2 * self.drop))

    def _mu_ls(self, y):
        if y.dim() == 4:
            o = F.conv2d(y, self.prior.W, self.prior.b, padding=1)
        else:
            o = torch.addmm(self.prior.b, y, self.prior.W)
        return o.chunk(2, dim=1)

    def forward(self, x):
        y, z2 = x[:, :self.keep], x[:, self.keep:]
        if self.prior is None:
            return y, x.new_zeros(x.shape[0]), flat_latent(z2)
        mu, ls = self._mu_ls(y)
        return y, -sum_except_batch(ls), flat_latent((z2 - mu) * torch.exp(-ls))

    def inverse(self, y, out=None):
        e = unflat_latent(out, self.drop_shape)
        if self.prior is None:
            return torch.cat([y, e], 1), y.new_zeros(y.shape[0])
        mu, ls = self._mu_ls(y)
        return torch.cat([y, e * torch.exp(ls) + mu], 1), sum_except_batch(ls)


class ActNorm(Layer):
    """y = (x + b)⊙exp(logs) per channel; log-det H·W·Σ logs; data-dependent init on the first batch"""

    def __init__(self, shape, data_init=True):
        super().__init__()
        c = shape[0]
        self.spatial = math.prod(shape[1:])
        self.bias = nn.Parameter(torch.zeros(c))
        self.log_scale = nn.Parameter(torch.zeros(c))
        self.register_buffer("initialized", None if not data_init else torch.zeros(()))

    @torch.no_grad()
    def init_from(self, x):
        dims = [0] + list(range(2, x.dim()))
        mean = x.mean(dims)
        var = x.var(dims, unbiased=False)
        self.bias.copy_(-mean)
        self.log_scale.copy_(-torch.log(torch.sqrt(var) + 1e-6))
        self.initialized.fill_(1)

    def forward(self, x):
        if self.initialized is not None and float(self.initialized) == 0:
            self.init_from(x)
        y = (x + channel_view(self.bias, x)) * channel_view(torch.exp(self.log_scale), x)
        return y, (self.log_scale.sum() * self.spatial).expand(x.shape[0]), None

    def inverse(self, y, out=None):
        x = y * channel_view(torch.exp(-self.log_scale), y) - channel_view(self.bias, y)
        return x, (-self.log_scale.sum() * self.spatial).expand(y.shape[0])


class InvConv1x1(Layer):
    """per pixel y = W x over channels; log-det H·W·log|det W|. lu: W = P·L·(U + diag(sign·exp(log_s))),
    P and sign fixed (buffers from the package's constants.json, the tfjs runtime's own)"""

    def __init__(self, shape, lu, P=None, sign=None):
        super().__init__()
        c = shape[0]
        self.spatial = math.prod(shape[1:])
        self.lu = lu
        if not lu:
            self.W = nn.Parameter(torch.linalg.qr(torch.randn(c, c))[0] if P is None else torch.tensor(P))
            return
        if P is None:
            w0 = torch.linalg.qr(torch.randn(c, c))[0]
            lu_, piv = torch.linalg.lu_factor(w0)
            P_, L_, U_ = torch.lu_unpack(lu_, piv)
        else:
            P_, L_, U_ = torch.tensor(P, dtype=torch.float32), torch.eye(c), torch.eye(c)
            sign = torch.tensor(sign, dtype=torch.float32)
        d = torch.diagonal(U_)
        self.L = nn.Parameter(torch.tril(L_, -1))
        self.U = nn.Parameter(torch.triu(U_, 1))
        self.log_s = nn.Parameter(torch.log(d.abs()) if P is None else torch.zeros(c))
        self.register_buffer("P", P_.float(), persistent=False)
        self.register_buffer("sign", torch.sign(d) if P is None else sign, persistent=False)

    def weight(self):
        if not self.lu:
            return self.W, torch.slogdet(self.W)[1]
        c = self.L.shape[0]
        eye = torch.eye(c, dtype=self.L.dtype, device=self.L.device)
        L = torch.tril(self.L, -1) + eye
        U = torch.triu(self.U, 1) + torch.diag(self.sign.to(self.L.dtype) * torch.exp(self.log_s))
        return self.P.to(self.L.dtype) @ L @ U, self.log_s.sum()

    @staticmethod
    def _mix(x, w):
        return torch.einsum("oc,nc...->no...", w, x)

    def forward(self, x):
        w, ld = self.weight()
        return self._mix(x, w), (ld * self.spatial).expand(x.shape[0]), None

    def inverse(self, y, out=None):
        w, ld = self.weight()
        return self._mix(y, torch.inverse(w)), (-ld * self.spatial).expand(y.shape[0])


class Permute(Layer):
    """y[:, i] = x[:, perm[i]] over the channel (or vector) axis"""

    def __init__(self, perm):
        super().__init__()
        self.perm = list(perm)
        self.inv = [0] * len(perm)
        for i, p in enumerate(perm):
            self.inv[p] = i

    def forward(self, x):
        return x[:, self.perm], x.new_zeros(x.shape[0]), None

    def inverse(self, y, out=None):
        return y[:, self.inv], y.new_zeros(y.shape[0])


class Logit(Layer):
    """p = α + (1−2α)x, y = log p − log(1−p); log-det Σ [log(1−2α) − log p − log(1−p)]"""

    def __init__(self, alpha):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        a = self.alpha
        p = a + (1 - 2 * a) * x
        lp, l1p = torch.log(p), torch.log1p(-p)
        return lp - l1p, sum_except_batch(math.log(1 - 2 * a) - lp - l1p), None

    def inverse(self, y, out=None):
        a = self.alpha
        x = (torch.sigmoid(y) - a) / (1 - 2 * a)
        return x, sum_except_batch(F.logsigmoid(y) + F.logsigmoid(-y) - math.log(1 - 2 * a))


class Dequantize(Layer):
    """y = (x + u)/K, u ∈ [0,1)^D; inverse x = clamp(⌊yK⌋, 0, K−1).
    uniform: u ~ U[0,1)^D, log-det −D log K (log_prob is then the dequantization bound).
    variational (Flow++): ε ~ N(0, I), (μ, ℓ, c) = q.cond(x/K − 0.5), h = μ + exp(ℓ)⊙ε,
    h ← the nested `flow` layers in their sampling direction, each given the context c (`features`
    channels, Flow++ §3.1: every coupling of q sees x; none when 0), u = σ(h); log-det −D log K − log q(u|x).
    `noise` (a tensor like x: u, or ε when variational) fixes the draw, for tests and evaluation."""

    def __init__(self, shape, K, type="uniform", cond=None, flow=(), features=0):
        super().__init__()
        self.K = K
        self.D = math.prod(shape)
        self.noise = None
        self.variational = type == "variational"
        self.features = features
        self.flow_layers = list(flow)      # (id, layer): registered by the model under their ids
        if self.variational:
            self.q = nn.Module()
            self.q.cond = cond(list(shape), 2 * shape[0] + features)

    def _u(self, x):
        if not self.variational:
            u = torch.rand_like(x) if self.noise is None else self.noise.to(x)
            return u, x.new_zeros(x.shape[0])
        eps = torch.randn_like(x) if self.noise is None else self.noise.to(x)
        logq = sum_except_batch(-(0.5 * eps * eps + 0.5 * math.log(2 * math.pi)))
        c = x.shape[1]
        mu, ls, ctx = self.q.cond(x / self.K - 0.5).split([c, c, self.features], dim=1)
        h = eps * torch.exp(ls) + mu
        logq = logq - sum_except_batch(ls)
        for _, layer in reversed(self.flow_layers):
            h, ld = layer.inverse(h, None, ctx) if getattr(layer, "context", None) else layer.inverse(h)
            logq = logq - ld
        logq = logq - sum_except_batch(F.logsigmoid(h) + F.logsigmoid(-h))
        return torch.sigmoid(h), logq

    def forward(self, x):
        u, logq = self._u(x)
        return (x + u) / self.K, -self.D * math.log(self.K) - logq, None

    def inverse(self, y, out=None):
        x = torch.clamp(torch.floor(y * self.K), 0, self.K - 1)
        return x, y.new_full((y.shape[0],), self.D * math.log(self.K))
