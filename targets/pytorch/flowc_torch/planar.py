"""Planar and radial flows (Rezende & Mohamed 2015; runtime/bijectors/planar-maps.ts). The closed
direction is sampling (inverse here); the density direction (forward) needs inverse: iterative — a
1-D root in float64, then one Newton step from the detached root for exact first derivatives."""
import torch
from torch import nn
import torch.nn.functional as F

from .activations import activation, activation_grad
from .bijectors import Layer
from .common import solve_monotone


def _flat(x):
    return (x.permute(0, 2, 3, 1) if x.dim() == 4 else x).reshape(x.shape[0], -1)


def _unflat(v, like):
    if like.dim() == 4:
        n, c, h, w = like.shape
        return v.reshape(n, h, w, c).permute(0, 3, 1, 2)
    return v.reshape(like.shape)


class Planar(Layer):
    """f(z) = z + û·h(wᵀz + b), û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a)"""

    def __init__(self, size, activation, inverse="none"):
        super().__init__()
        self.act = activation
        self.iterative = inverse == "iterative"
        self.u = nn.Parameter(torch.randn(size) * 0.1)
        self.w = nn.Parameter(torch.randn(size) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def params(self):
        u, w = self.u, self.w
        wu = (w * u).sum()
        m = F.softplus(wu) - 1
        w2 = torch.clamp((w * w).sum(), min=1e-12)
        u1 = u - (w * u).sum() / w2 * w
        u_perp = u1 - (w * u1).sum() / w2 * w
        u_hat = u_perp + m / w2 * w
        return u_hat, (w * u_hat).sum()

    def _log_det(self, pre, wu):
        return torch.log(torch.abs(1 + activation_grad(self.act)(pre) * wu) + 1e-8)

    def inverse(self, z, out=None):
        zf = _flat(z)
        u_hat, wu = self.params()
        pre = zf @ self.w + self.b
        x = zf + activation(self.act)(pre).unsqueeze(1) * u_hat
        return _unflat(x, z), self._log_det(pre, wu)

    def forward(self, x):
        if not self.iterative:
            raise ValueError("planar has no closed-form density direction; use inverse: iterative")
        xf = _flat(x)
        u_hat, c = self.params()
        wx = xf @ self.w
        h, dh = activation(self.act), activation_grad(self.act)
        cv, bv = c.detach().double(), self.b.detach().double()
        wxv = wx.detach().double()
        a0 = solve_monotone(lambda a: a + cv * h(a + bv) - wxv, lambda a: 1 + cv * dh(a + bv), wxv).to(x.dtype)
        g = a0 + c * h(a0 + self.b) - wx
        a = a0 - g / (1 + cv.to(x.dtype) * dh(a0 + bv.to(x.dtype)))
        pre = a + self.b
        z = xf - h(pre).unsqueeze(1) * u_hat
        return _unflat(z, x), -self._log_det(pre, c), None


class Radial(Layer):
    """f(z) = z + β·h(r)·(z − z₀), h = 1/(α + r), α = softplus(α̂), β = −α + softplus(β̂)"""

    def __init__(self, size, inverse="none"):
        super().__init__()
        self.iterative = inverse == "iterative"
        self.D = size
        self.z0 = nn.Parameter(torch.randn(size) * 0.1)
        self.alpha = nn.Parameter(torch.randn(1) * 0.1)
        self.beta = nn.Parameter(torch.randn(1) * 0.1)

    def ab(self):
        a = F.softplus(self.alpha)
        return a, -a + F.softplus(self.beta)

    def _log_det(self, r, a, b):
        hr = 1 / (a + r)
        return (self.D - 1) * torch.log1p(b * hr) + torch.log1p(a * b * hr * hr)

    def inverse(self, z, out=None):
        zf = _flat(z)
        a, b = self.ab()
        d = zf - self.z0
        r = d.norm(dim=1)
        x = zf + (b / (a + r)).unsqueeze(1) * d
        return _unflat(x, z), self._log_det(r, a, b)

    def forward(self, x):
        if not self.iterative:
            raise ValueError("radial has no closed-form density direction; use inverse: iterative")
        a, b = self.ab()
        y = _flat(x) - self.z0
        rho = y.norm(dim=1)
        av, bv, rv = a.detach().double(), b.detach().double(), rho.detach().double()
        dphi = lambda r: 1 + bv * av / ((av + r) ** 2)
        r0 = solve_monotone(lambda r: r + bv * r / (av + r) - rv, dphi, rv, 0.0)
        slope = dphi(r0).to(x.dtype)
        r0 = r0.to(x.dtype)
        g = r0 + b * r0 / (a + r0) - rho
        r = r0 - g / slope
        z = y / (1 + b / (a + r)).unsqueeze(1) + self.z0
        return _unflat(z, x), -self._log_det(r, a, b), None
