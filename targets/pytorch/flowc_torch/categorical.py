"""Categorical encoding (Lippe & Gavves 2021; runtime/bijectors/dequantize-categorical.ts),
`dequantize(categorical, dim: d, k: m, context)` on categorical(K) vectors or images. Each element
xᵢ ∈ 0..K−1 becomes zᵢ ∈ ℝᵈ drawn from q(zᵢ|xᵢ) = ∏_j Σ_c π_{xᵢ,j,c} Logistic(z_j; μ_{xᵢ,j,c}, s_{xᵢ,j,c})
(m = 1: z = μ + s·logit(u); m > 1: z₀ = F⁻¹(u) by bisection in float64, then one Newton step
z = z₀ − (F(z₀) − u)/f(z₀) with f(z₀) held constant, for the implicit gradient). With `context`, a
zero-initialised net of the one-hot x shifts each element's μ and log s (q(zᵢ|x), the "linear flow" variant).
The decoder is Bayes' rule over the K context-free components with learned log-priors:
log p(xᵢ|zᵢ) = log q(zᵢ|xᵢ) + log π(xᵢ) − logsumexp_c [log q(zᵢ|c) + log π(c)].
The log-det is Σᵢ [log p(xᵢ|zᵢ) − log q(zᵢ|·)], so the flow's log-density is the bound
E_q[log p(x|z) + log p(z) − log q(z|x)].
Elements are taken in the tfjs runtime's order ((H, W, C) on images); element e's coordinates are at e·d + j
of the (H, W, C·d) output, which is NCHW [C·d, H, W] here. Inverse (sampling): x = argmax_c p(c|z).
`noise` (u [N·E, d]) fixes the draw, for tests and evaluation."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .bijectors import Layer
from .flow import FlowModel

BISECTION_TOL = 1e-9       # compiler/math/logistic-mixture.ts, mixtureInverseCdf
BISECTION_MAX_ITERS = 200


def _log_logistic(z, mu, ls):
    t = (z - mu) * torch.exp(-ls)
    return F.logsigmoid(t) + F.logsigmoid(-t) - ls


@torch.no_grad()
def mixture_inverse_cdf(w, mu, s, u):
    """z with Σ_c w_c σ((z − μ_c)/s_c) = u, by bisection in float64 (rows [R, d, m], u [R, d])"""
    w, mu, s, u = (t.double() for t in (w, mu, s, u))
    L = (torch.log(u) - torch.log1p(-u)).abs().unsqueeze(-1) + 1
    lo, hi = (mu - s * L).min(-1).values, (mu + s * L).max(-1).values
    for _ in range(BISECTION_MAX_ITERS):
        open_ = hi - lo > BISECTION_TOL
        if not bool(open_.any()):
            break
        mid = 0.5 * (lo + hi)
        below = (w * torch.sigmoid((mid.unsqueeze(-1) - mu) / s)).sum(-1) < u
        lo = torch.where(open_ & below, mid, lo)
        hi = torch.where(open_ & ~below, mid, hi)
    return 0.5 * (lo + hi)


class CategoricalDequantize(Layer):
    def __init__(self, shape, K, dim=4, k=1, context=None):
        """shape [D] or [C, H, W]; context: the factory of the context net (None: no context)"""
        super().__init__()
        self.K, self.d, self.m = K, dim, k
        self.shape = list(shape)
        self.E = math.prod(shape)
        self.noise = None
        self.enc = nn.Module()
        self.enc.mu = nn.Parameter(torch.randn(K, dim * k))
        self.enc.log_scale = nn.Parameter(torch.full((K, dim * k), -2.0))
        if k > 1:
            self.enc.logits = nn.Parameter(torch.zeros(K, dim * k))
        self.prior_logits = nn.Parameter(torch.zeros(K))
        self.ctx = None
        if context is not None:
            c = shape[0]
            self.ctx = context([c * K, *shape[1:]], 2 * c * dim)

    def _log_weights(self):
        """per-category log mixture weights [K, d, m] (zeros when m = 1)"""
        if self.m == 1:
            return self.enc.mu.new_zeros(self.K, self.d, 1)
        return torch.log_softmax(self.enc.logits.reshape(self.K, self.d, self.m), 2)

    def log_posterior(self, z):
        """log p(c|z) for every category: z [R, d] → [R, K]"""
        zz = z.reshape(-1, 1, self.d, 1)
        mu = self.enc.mu.reshape(1, self.K, self.d, self.m)
        ls = self.enc.log_scale.reshape(1, self.K, self.d, self.m)
        lq = torch.logsumexp(self._log_weights().unsqueeze(0) + _log_logistic(zz, mu, ls), 3).sum(2)
        return torch.log_softmax(lq + torch.log_softmax(self.prior_logits, 0), 1)

    def _elements(self, x):
        """x [N, *shape] → its elements in the tfjs runtime's order, [N·E]"""
        return (x.permute(0, 2, 3, 1) if x.dim() == 4 else x).reshape(-1)

    def _components(self, x, idx):
        """μ, log s, log π of each element's category [R, d, m], shifted by the context net"""
        R, d, m = idx.shape[0], self.d, self.m
        mu = self.enc.mu[idx].reshape(R, d, m)
        ls = self.enc.log_scale[idx].reshape(R, d, m)
        lw = self._log_weights().reshape(self.K, d * m)[idx].reshape(R, d, m)
        if self.ctx is not None:
            n = x.shape[0]
            hot = F.one_hot(idx.reshape(n, -1), self.K).to(mu.dtype)          # [N, E, K], E in (H, W, C) order
            if x.dim() == 4:
                _, c, h, w = x.shape
                hot = hot.reshape(n, h, w, c * self.K).permute(0, 3, 1, 2)
                out = self.ctx(hot).permute(0, 2, 3, 1)
            else:
                out = self.ctx(hot.reshape(n, -1))
            shift = out.reshape(R, 2, d, 1)
            mu, ls = mu + shift[:, 0], ls + shift[:, 1]
        return mu, ls, lw

    def _draw(self, mu, ls, lw):
        R = mu.shape[0]
        u = torch.rand(R, self.d) if self.noise is None else self.noise
        u = u.to(mu).clamp(1e-6, 1 - 1e-6)
        if self.m == 1:
            return mu[..., 0] + torch.exp(ls[..., 0]) * (torch.log(u) - torch.log1p(-u))
        w, s = torch.exp(lw), torch.exp(ls)
        z0 = mixture_inverse_cdf(w, mu, s, u).to(mu.dtype).unsqueeze(-1)
        with torch.no_grad():
            g = torch.sigmoid((z0 - mu) / s)
            f0 = (w * g * (1 - g) / s).sum(-1).clamp(min=1e-30)
        cdf = (w * torch.sigmoid((z0 - mu) * torch.exp(-ls))).sum(-1)
        return z0[..., 0] - (cdf - u) / f0

    def forward(self, x):
        n = x.shape[0]
        idx = torch.clamp(torch.round(self._elements(x)), 0, self.K - 1).long()
        mu, ls, lw = self._components(x, idx)
        z = self._draw(mu, ls, lw)
        logq = torch.logsumexp(lw + _log_logistic(z.unsqueeze(-1), mu, ls), 2).sum(1)
        logp = self.log_posterior(z).gather(1, idx.unsqueeze(1)).squeeze(1)
        ld = (logp - logq).reshape(n, self.E).sum(1)
        if x.dim() == 4:
            _, c, h, w = x.shape
            return z.reshape(n, h, w, c * self.d).permute(0, 3, 1, 2), ld, None
        return z.reshape(n, self.E * self.d), ld, None

    def inverse(self, y, out=None):
        n = y.shape[0]
        z = y.permute(0, 2, 3, 1) if y.dim() == 4 else y
        post = self.log_posterior(z.reshape(-1, self.d))
        x = post.argmax(1)
        logp = post.gather(1, x.unsqueeze(1)).squeeze(1)
        x = x.to(y.dtype)
        if y.dim() == 4:
            x = x.reshape(n, y.shape[2], y.shape[3], self.shape[0]).permute(0, 3, 1, 2)
        return x.reshape(n, *self.shape), -logp.reshape(n, self.E).sum(1)


class CategoricalFlowModel(FlowModel):
    """a flow on a categorical encoding (runtime/categorical-flow.ts): one draw z ~ q(z|x) gives the bound
    log p(x|z) + log p_flow(z) − log q(z|x) ≤ log P(x), which training maximizes; log_prob is the
    importance-weighted estimate log (1/S) Σ_s exp(bound_s) over S draws (Burda et al. 2016)."""

    def __init__(self, *args, iw_samples=100, **kw):
        super().__init__(*args, **kw)
        self.iw_samples = iw_samples

    def bound(self, x):
        return super().log_prob(x)

    def elbo(self, x):
        return self.bound(x)

    def loss(self, x):
        return -self.bound(x).mean()

    def log_prob(self, x, k=None):
        """S = k draws per example (default iw_samples); the encoder's `noise`, when set, holds all S·N draws"""
        k = k or self.iw_samples
        n = x.shape[0]
        lw = self.bound(x.repeat(k, *[1] * (x.dim() - 1))).reshape(k, n)
        return torch.logsumexp(lw, 0) - math.log(k)
