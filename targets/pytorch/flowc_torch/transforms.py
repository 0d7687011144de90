"""The elementwise transforms of couplings and spline MAF (runtime/bijectors/transforms/): each maps x [...]
with its conditioner outputs p [..., P] to (y, log|∂y/∂x|) per element, and back.

logistic_mixture (Flow++, Ho et al. 2019, eq. 4–5): y = σ⁻¹(F(x))·exp(a) + b, F(x) = Σ_j π_j σ((x − μ_j)·e^{−ℓ_j}),
  p = (a through the coupling's scale, b, K logits, K means, K log-scales clamped below at −7), all in log space.
  Inverse: Newton steps inside a bisection bracket, in float64, to 1e-12·(1 + |x|) (at most 200 iterations),
  then one Newton step whose value cancels, so gradients are the implicit-function ones.
spline (Durkan et al. 2019, rational-quadratic, nflows' linear tails): K bins on [−B, B], identity outside;
  p = (K widths, K heights, K − 1 inner derivatives), unnormalized. Inverse in closed form.
The constants are compiler/math/elementwise.ts's."""
import math

import torch
import torch.nn.functional as F

from .bijectors import log_scale

MIXTURE_MIN_LOG_SCALE = -7.0
SPLINE_MIN_BIN = 1e-3
SPLINE_MIN_DERIVATIVE = 1e-3
BISECTION_TOL = 1e-12
BISECTION_MAX_ITERS = 200


def _logit_cdf(x, log_pi, mu, ls):
    """σ⁻¹(F(x)) and log F′/(F(1 − F)), the log-derivative of σ⁻¹∘F; parameters [..., K]"""
    z = (x.unsqueeze(-1) - mu) * torch.exp(-ls)
    lz, lnz = F.logsigmoid(z), F.logsigmoid(-z)
    log_f = torch.logsumexp(log_pi + lz, -1)
    log_1mf = torch.logsumexp(log_pi + lnz, -1)
    log_pdf = torch.logsumexp(log_pi + lz + lnz - ls, -1)
    return log_f - log_1mf, log_pdf - log_f - log_1mf


@torch.no_grad()
def bisect_mixture(w, log_pi, mu, ls):
    """the roots x of σ⁻¹(F(x)) = w in float64: Newton steps kept inside the bracket
    [min_j(μ_j + e^{ℓ_j}w), max_j(μ_j + e^{ℓ_j}w)], bisection where a step would leave it"""
    w, log_pi, mu, ls = (t.double() for t in (w, log_pi, mu, ls))
    r = mu + torch.exp(ls) * w.unsqueeze(-1)
    lo, hi = r.min(-1).values, r.max(-1).values
    x = 0.5 * (lo + hi)
    done = ~torch.isfinite(w)
    for _ in range(BISECTION_MAX_ITERS):
        g, log_d = _logit_cdf(x, log_pi, mu, ls)
        hi = torch.where(g > w, x, hi)
        lo = torch.where(g < w, x, lo)
        nxt = x - (g - w) * torch.exp(-log_d)
        nxt = torch.where((nxt > lo) & (nxt < hi), nxt, 0.5 * (lo + hi))
        step = (nxt - x).abs()
        tol = BISECTION_TOL * (1 + nxt.abs())
        stop = done | (g == w)
        x = torch.where(stop, x, nxt)
        done = stop | (step <= tol) | (hi - lo <= tol)
        if bool(done.all()):
            break
    return torch.where(torch.isfinite(w), x, torch.full_like(x, float("nan")))


class Mixture:
    """the mixture-of-logistics CDF transform with K components; `scale` shapes a as the coupling's does"""

    def __init__(self, k, scale):
        self.K = k
        self.P = 3 * k + 2
        self.scale = scale

    def _parts(self, p):
        k = self.K
        a = log_scale(p[..., 0], self.scale)
        log_pi = torch.log_softmax(p[..., 2:2 + k], -1)
        return a, p[..., 1], log_pi, p[..., 2 + k:2 + 2 * k], torch.clamp(p[..., 2 + 2 * k:], min=MIXTURE_MIN_LOG_SCALE)

    def forward(self, x, p):
        a, b, log_pi, mu, ls = self._parts(p)
        g, log_d = _logit_cdf(x, log_pi, mu, ls)
        return g * torch.exp(a) + b, log_d + a

    def inverse(self, y, p):
        a, b, log_pi, mu, ls = self._parts(p)
        w = (y - b) * torch.exp(-a)
        x0 = bisect_mixture(w, log_pi, mu, ls).to(w.dtype)
        g0, log_d0 = _logit_cdf(x0, log_pi, mu, ls)
        raw = (w - g0) * torch.exp(-log_d0)
        step = torch.where(torch.isfinite(raw), raw, torch.zeros_like(raw))
        x = x0 + (step - step.detach())      # = x0, with the implicit-function gradient
        _, log_d = _logit_cdf(x, log_pi, mu, ls)
        return x, -(log_d + a)


def _gather(t, idx):
    return torch.gather(t, -1, idx.unsqueeze(-1)).squeeze(-1)


class Spline:
    """the rational-quadratic spline with K bins on [−B, B]"""

    def __init__(self, bins, bound):
        self.K = bins
        self.B = float(bound)
        self.P = 3 * bins - 1

    def _knots(self, u):
        """cumulative knots [..., K + 1] on [−B, B] from unnormalized bin sizes [..., K]"""
        k, b = self.K, self.B
        sizes = SPLINE_MIN_BIN + (1 - SPLINE_MIN_BIN * k) * torch.softmax(u, -1)
        inner = 2 * b * torch.cumsum(sizes, -1)[..., :k - 1] - b
        edge = inner.new_full((*u.shape[:-1], 1), b)
        return torch.cat([-edge, inner, edge], -1)

    def _local(self, p, v, by_heights):
        """the bin of v (among the width or height knots): left knots, width, height, slope, end derivatives"""
        k = self.K
        cw, ch = self._knots(p[..., :k]), self._knots(p[..., k:2 * k])
        inner = SPLINE_MIN_DERIVATIVE + (1 - SPLINE_MIN_DERIVATIVE) / math.log(2) * F.softplus(p[..., 2 * k:])
        one = inner.new_ones((*p.shape[:-1], 1))
        d = torch.cat([one, inner, one], -1)
        knots = ch if by_heights else cw
        idx = (v.unsqueeze(-1) >= knots[..., 1:k]).sum(-1)
        x0, y0 = _gather(cw, idx), _gather(ch, idx)
        w, h = _gather(cw, idx + 1) - x0, _gather(ch, idx + 1) - y0
        return x0, w, y0, h, h / w, _gather(d, idx), _gather(d, idx + 1)

    @staticmethod
    def _log_deriv(theta, delta, d0, d1):
        t1 = theta * (1 - theta)
        denom = delta + (d0 + d1 - 2 * delta) * t1
        num = delta ** 2 * (d1 * theta ** 2 + 2 * delta * t1 + d0 * (1 - theta) ** 2)
        return torch.log(num) - 2 * torch.log(denom)

    def forward(self, x, p):
        inside = x.abs() <= self.B
        xc = torch.clamp(x, -self.B, self.B)
        x0, w, y0, h, delta, d0, d1 = self._local(p, xc, False)
        theta = (xc - x0) / w
        t1 = theta * (1 - theta)
        y = y0 + h * (delta * theta ** 2 + d0 * t1) / (delta + (d0 + d1 - 2 * delta) * t1)
        ld = self._log_deriv(theta, delta, d0, d1)
        return torch.where(inside, y, x), torch.where(inside, ld, torch.zeros_like(ld))

    def inverse(self, y, p):
        inside = y.abs() <= self.B
        yc = torch.clamp(y, -self.B, self.B)
        x0, w, y0, h, delta, d0, d1 = self._local(p, yc, True)
        dy = yc - y0
        s = d0 + d1 - 2 * delta
        a = dy * s + h * (delta - d0)
        b = h * d0 - dy * s
        c = -delta * dy
        disc = torch.relu(b * b - 4 * a * c)
        theta = 2 * c / (-b - torch.sqrt(disc))
        x = theta * w + x0
        ld = -self._log_deriv(theta, delta, d0, d1)
        return torch.where(inside, x, y), torch.where(inside, ld, torch.zeros_like(ld))


def make_transform(type, scale="tanh", k=None, bins=None, bound=None):
    """the transform of a coupling or MAF from its FlowIR arguments (the generated model passes every setting)"""
    if type == "logistic_mixture":
        return Mixture(k, scale)
    if type == "spline":
        return Spline(bins, bound)
    raise ValueError(f"unknown elementwise transform '{type}'")
