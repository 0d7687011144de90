"""Shared helpers: layouts, sums, the 1-D monotone root finder of the planar/radial inverses."""
import torch


def sum_except_batch(t):
    return t.sum(1) if t.dim() == 2 else t.reshape(t.shape[0], -1).sum(1)


def flat_latent(h):
    """[N, C, H, W] → [N, H·W·C] in the tfjs runtime's (H, W, C) order; vectors unchanged"""
    if h.dim() == 4:
        h = h.permute(0, 2, 3, 1)
    return h.reshape(h.shape[0], -1)


def unflat_latent(z, shape):
    """the inverse of flat_latent for one example's shape [C, H, W] or [D]"""
    n = z.shape[0]
    if len(shape) == 3:
        c, h, w = shape
        return z.reshape(n, h, w, c).permute(0, 3, 1, 2)
    return z.reshape(n, *shape)


def channel_view(p, x):
    """a per-channel vector p [C] shaped to broadcast over x ([N, C, H, W] or [N, C])"""
    return p.view(1, -1, 1, 1) if x.dim() == 4 else p.view(1, -1)


@torch.no_grad()
def solve_monotone(g, dg, guess, lo0=None, iters=200):
    """roots of monotone non-decreasing g, elementwise, in float64: bracket by doubling, then Newton
    steps safeguarded by bisection (runtime/bijectors/root.ts)"""
    guess = guess.double()
    lo = guess - 1 if lo0 is None else torch.full_like(guess, float(lo0))
    hi = guess + 1
    step = torch.ones_like(guess)
    if lo0 is None:
        for _ in range(45):
            bad = g(lo) > 0
            if not bad.any():
                break
            step = torch.where(bad, step * 2, step)
            lo = torch.where(bad, guess - step, lo)
    step = torch.ones_like(guess)
    for _ in range(45):
        bad = g(hi) < 0
        if not bad.any():
            break
        step = torch.where(bad, step * 2, step)
        hi = torch.where(bad, guess + step, hi)
    a = torch.minimum(torch.maximum(guess, lo), hi)
    for _ in range(iters):
        v = g(a)
        done = v.abs() < 1e-13 * (1 + a.abs())
        if done.all():
            break
        hi = torch.where(v > 0, a, hi)
        lo = torch.where(v > 0, lo, a)
        d = dg(a)
        nxt = torch.where(d > 0, a - v / torch.where(d > 0, d, torch.ones_like(d)), torch.full_like(a, float("nan")))
        ok = (nxt > lo) & (nxt < hi)
        nxt = torch.where(ok, nxt, 0.5 * (lo + hi))
        a = torch.where(done, a, nxt)
    return a
