"""Autoregressive models (runtime/ar/): log p(x) = Σ_t log p(x_{o_t} | x_{o_<t}) with the conditional's
parameters [N, D, P] computed in one pass (teacher forcing). Data are [N, D] flattened channels-first;
discrete/categorical inputs are fed to the networks as v/(K−1). Parameters are named as the tfjs
runtime names them (`<Model>/made/W0`): module paths split at '/', and tf_name() joins them back."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .activations import activation
from .context import context_of, sample_context


def _uniform(shape, fan_in):
    b = 1 / math.sqrt(max(fan_in, 1))
    return nn.Parameter(torch.empty(shape).uniform_(-b, b))


class Nade(nn.Module):
    """h_t = σ(c + W_{<t}ᵀ x_<t) (W tied across positions), params_t = V_t h_t + b_t"""

    def __init__(self, D, P, hidden, order, context=0):
        super().__init__()
        self.W = _uniform((D, hidden), D)
        self.c = _uniform((hidden,), D)
        self.V = _uniform((D, hidden, P), hidden)
        self.b = _uniform((D, P), hidden)
        if context:                                                     # p(x|y): c + y·W_y per example
            self.context = _uniform((context, hidden), context)
        self.order = list(order)

    def forward(self, x, ctx=None):
        o = self.order
        xo = x[:, o]                                                    # [N, D] in order positions
        contrib = xo.unsqueeze(2) * self.W[o].unsqueeze(0)              # [N, D, H]
        c = self.c if ctx is None else self.c + (ctx @ self.context).unsqueeze(1)
        a = torch.cumsum(contrib, 1) - contrib + c                      # exclusive: x_<t only
        out = torch.einsum("ndh,dhp->ndp", torch.sigmoid(a), self.V[o]) + self.b[o]
        res = torch.empty_like(out)
        res[:, o] = out
        return res


def made_masks(order, degrees):
    """[out][in] masks of a member from its order and hidden degrees (compiler/proofs/made.ts, eq. 12–13):
    input → h₁ m(k) ≥ deg(d), hidden → hidden m'(k') ≥ m(k), h_L → output deg(d) > m(k)"""
    deg = torch.empty(len(order))
    deg[list(order)] = torch.arange(1, len(order) + 1, dtype=torch.float32)
    units = [deg, *(torch.tensor(m, dtype=torch.float32) for m in degrees)]
    masks = [(b.unsqueeze(1) >= a.unsqueeze(0)).float() for a, b in zip(units, units[1:])]
    return masks + [(deg.unsqueeze(1) > units[-1].unsqueeze(0)).float()]


class Made(nn.Module):
    """masked dense layers (masks [out][in] from the IR); output column p·D + d. Ensembles share the weights
    over several mask sets (members: each an order and hidden degrees; member 0 = the IR's masks) and
    average p over `ensemble` of them; `direct` adds input → output weights masked to each member's order;
    a context (p(x|y)) enters the first layer's pre-activation unmasked."""

    def __init__(self, D, P, hidden, act, masks, order=None, members=(), ensemble=1, agnostic=False,
                 direct=False, context=0):
        super().__init__()
        sizes = [D, *hidden, D]
        self.D, self.P, self.L = D, P, len(sizes) - 1
        self.act = activation(act if act != "none" else "linear")
        order = list(order if order is not None else range(D))
        sets = [[torch.tensor(m, dtype=torch.float32) for m in masks]]
        sets += [made_masks(m["order"], m["degrees"]) for m in members]
        self.orders = [order] + [list(m["order"]) for m in members]
        self.members = len(sets)
        # logProb averages all of a jointly trained ensemble; `ensemble` of an agnostic one's trained sets
        self.agnostic = agnostic
        self.eval_members = min(max(1, ensemble), self.members) if agnostic else self.members
        for l in range(self.L):
            out = D * P if l == self.L - 1 else sizes[l + 1]
            setattr(self, f"W{l}", _uniform((sizes[l], out), sizes[l]))
            setattr(self, f"b{l}", _uniform((out,), sizes[l]))
            for k, ms in enumerate(sets):
                self.register_buffer(f"M{l}_{k}", self._repeat(ms[l].t(), l == self.L - 1), persistent=False)
        if direct:
            self.direct = _uniform((D, D * P), D)
            for k, o in enumerate(self.orders):
                deg = made_masks(o, [])[0]                              # D×D: j before d in the order
                self.register_buffer(f"Mdirect_{k}", self._repeat(deg.t(), True), persistent=False)
        if context:
            self.context = _uniform((context, sizes[1]), context)

    def _repeat(self, m, last):
        """[in, out] → [in, P·out] for the output layer (column p·D + d), unless the IR already has P·D rows"""
        return m.repeat(1, self.P) if last and m.shape[1] == self.D and self.P > 1 else m

    def forward(self, x, ctx=None, member=0):
        h = x
        for l in range(self.L):
            h = h @ (getattr(self, f"W{l}") * getattr(self, f"M{l}_{member}").to(h)) + getattr(self, f"b{l}")
            if l == 0 and ctx is not None:
                h = h + ctx @ self.context
            if l < self.L - 1:
                h = self.act(h)
        if hasattr(self, "direct"):
            h = h + x @ (self.direct * getattr(self, f"Mdirect_{member}").to(x))
        return h.reshape(x.shape[0], self.P, self.D).transpose(1, 2)


def conv_mask(k, in_groups, out_groups, kind, kw=None, cy=None, cx=None):
    """[cout, cin, kh, kw] causal mask with colour groups (runtime/ar/convmask.ts): taps before the
    centre (cy, cx) connect everything, the centre connects groups gi < go (A) or gi ≤ go (B)"""
    kh, kw = k, kw or k
    cy = (k - 1) // 2 if cy is None else cy
    cx = cy if cx is None else cx
    m = torch.zeros(len(out_groups), len(in_groups), kh, kw)
    for r in range(kh):
        for c in range(kw):
            before, centre = r < cy or (r == cy and c < cx), r == cy and c == cx
            for i, gi in enumerate(in_groups):
                for o, go in enumerate(out_groups):
                    on = kind == "none" or before or (centre and (gi < go if kind == "A" else gi <= go))
                    m[o, i, r, c] = 1.0 if on else 0.0
    return m


def channel_groups(n, C):
    return [0 if C <= 1 else (k * C) // n for k in range(n)]


class PixelCnn(nn.Module):
    """masked k×k convolutions (mask A first, then B), optional residuals; a 1×1 mask-B output
    conv with C·P channels unless the last layer has them. Conv weights [cout, cin, k, k]."""

    def __init__(self, shape, P, layers, context=0):
        super().__init__()
        C, H, W = shape
        self.shape, self.P = shape, P
        specs = [dict(l) for l in layers]
        if not specs or specs[-1]["channels"] != C * P:
            specs.append({"mask": "B", "kernel": 1, "channels": C * P, "activation": "none", "residual": False})
        self.specs = []
        cin, gin = C, channel_groups(C, C)
        for l, s in enumerate(specs):
            k, cout = s["kernel"], s["channels"]
            gout = channel_groups(cout, C)
            is_out = l == len(specs) - 1
            mod = nn.Module()
            mod.W = _uniform((cout, cin, k, k), cin * k * k)
            mod.b = _uniform((cout,), cin * k * k)
            mod.register_buffer("M", conv_mask(k, gin, gout, s["mask"]), persistent=False)
            if context:                                                 # p(x|y): a bias y·V per layer
                mod.context = _uniform((context, cout), context)
            self.add_module(str(l), mod)
            act = "linear" if is_out or s.get("activation") in (None, "none") else s["activation"]
            self.specs.append((mod, k, activation(act), bool(s.get("residual")) and cin == cout and not is_out))
            cin, gin = cout, gout

    def forward(self, x, ctx=None):
        C, H, W = self.shape
        h = x.reshape(x.shape[0], C, H, W)
        for mod, k, act, residual in self.specs:
            a = F.conv2d(h, mod.W * mod.M.to(h), mod.b, padding=(k - 1) // 2)
            a = act(a if ctx is None else a + (ctx @ mod.context)[:, :, None, None])
            h = h + a if residual else a
        n = x.shape[0]
        # C·P channels, block c holding colour c's P parameters → [N, C·H·W, P]
        return h.reshape(n, C, self.P, H, W).permute(0, 1, 3, 4, 2).reshape(n, C * H * W, self.P)


class _Conv(nn.Module):
    """conv + bias with an optional fixed mask; pad = (left, right, top, bottom) zeros"""

    def __init__(self, kh, kw, cin, cout, pad=(0, 0, 0, 0), mask=None):
        super().__init__()
        self.W = _uniform((cout, cin, kh, kw), kh * kw * cin)
        self.b = _uniform((cout,), kh * kw * cin)
        self.pad = pad
        self.register_buffer("M", mask, persistent=False)

    def forward(self, x, pad=None):
        w = self.W if self.M is None else self.W * self.M.to(self.W)
        return F.conv2d(F.pad(x, pad or self.pad), w, self.b)


def _context_term(ctx, module, name):
    """y·V as [N, 2p, 1, 1], the same at every pixel (0 without a context)"""
    return 0 if ctx is None else (ctx @ getattr(module, name))[:, :, None, None]


def _gate(a):
    t, s = a.chunk(2, dim=1)
    return torch.tanh(t) * torch.sigmoid(s)


class GatedPixelCnn(nn.Module):
    """vertical stack ((c+1)×k convs), horizontal stack (1×(c+1) convs, masked centre), gates
    tanh(a₁)·σ(a₂), a 1×1 link from the vertical stack shifted down one row, residual 1×1 convs,
    a two-layer 1×1 head (runtime/ar/gated.ts)"""

    def __init__(self, shape, P, layers, channels, kernel, context=0):
        super().__init__()
        C, H, W = shape
        self.shape, self.P = shape, P
        p, k = channels, kernel
        c = (k - 1) // 2
        self.L = max(1, layers)
        pg, p2g = channel_groups(p, C), channel_groups(p, C) * 2
        for l in range(self.L):
            cin, ing = (C, channel_groups(C, C)) if l == 0 else (p, pg)
            m = nn.Module()
            m.v = _Conv(c + 1, k, cin, 2 * p, pad=(c, c, c, 0))
            m.h = _Conv(1, c + 1, cin, 2 * p, pad=(c, 0, 0, 0),
                        mask=conv_mask(1, ing, p2g, "A" if l == 0 else "B", kw=c + 1, cy=0, cx=c))
            m.link = _Conv(1, 1, 2 * p, 2 * p)
            m.res = _Conv(1, 1, p, p, mask=conv_mask(1, pg, pg, "B"))
            if context:                         # p(x|y): V·y inside the gate of both stacks, at every pixel
                m.cond_v = _uniform((context, 2 * p), context)
                m.cond_h = _uniform((context, 2 * p), context)
            self.add_module(str(l), m)
        self.out = nn.Module()
        self.out.add_module("0", _Conv(1, 1, p, p, mask=conv_mask(1, pg, pg, "B")))
        self.out.add_module("1", _Conv(1, 1, p, C * P, mask=conv_mask(1, pg, channel_groups(C * P, C), "B")))

    def forward(self, x, ctx=None):
        C, H, W = self.shape
        n = x.shape[0]
        x4 = x.reshape(n, C, H, W)
        v, h = x4, x4
        for l in range(self.L):
            m = getattr(self, str(l))
            v_pre = m.v(v) + _context_term(ctx, m, "cond_v")
            link = m.link(v_pre, pad=(0, 0, 1, 0))[:, :, :H]
            v = _gate(v_pre)
            h_pre = m.h(h) + link + _context_term(ctx, m, "cond_h")
            out = m.res(_gate(h_pre))
            h = out if l == 0 else h + out
        y = getattr(self.out, "1")(F.relu(getattr(self.out, "0")(F.relu(h))))
        return y.reshape(n, C, self.P, H, W).permute(0, 1, 3, 4, 2).reshape(n, C * H * W, self.P)


def raster_order(shape):
    """pixel by pixel, the channels of a pixel in sequence (PixelCNN's factorization)"""
    C, H, W = shape
    return [c * H * W + i * W + j for i in range(H) for j in range(W) for c in range(C)]


class ArModel(nn.Module):
    """log p(x | y) = log mean_m Π_t p_m(x_{o_t} | x_{o_<t}, y) over the conditional's evaluated members (one,
    except a MADE ensemble); y only for a `condition y` model. An order/connectivity-agnostic MADE trains one
    member per step (loss), drawn from a generator seeded with the spec's seed (tfjs draws from its own)."""
    family = "autoregressive"

    def __init__(self, name, data_shape, domain, order, likelihood, conditional, condition=None, seed=0):
        super().__init__()
        self.name, self.data_shape = name, list(data_shape)
        self.D = math.prod(data_shape)
        self.order = list(order)
        self.likelihood = likelihood
        self.condition = condition
        K = domain.get("K")
        self.scale = (K - 1 if K and K > 1 else 1) if domain["kind"] in ("discrete", "categorical") else 1
        # registered at the tfjs prefix: <Model>/<kind>/...
        kind = {"Nade": "nade", "Made": "made", "PixelCnn": "pixelcnn", "GatedPixelCnn": "gated",
                "PixelRnn": "pixelrnn"}[type(conditional).__name__]
        holder = nn.Module()
        holder.add_module(kind, conditional)
        self.add_module(name, holder)
        self.__dict__["cond"] = conditional     # registered once, under the tfjs prefix
        self.member_gen = torch.Generator().manual_seed(seed + 104729)

    def tf_name(self, key):
        """torch state_dict key → tfjs variable name (a conditional's `tf_segments` restores dotted names)"""
        seg = getattr(self.cond, "tf_segments", {})
        return "/".join(seg.get(p, p) for p in key.split("."))

    def torch_key(self, name):
        """tfjs variable name → torch state_dict key"""
        seg = {v: k for k, v in getattr(self.cond, "tf_segments", {}).items()}
        return ".".join(seg.get(p, p) for p in name.split("/"))

    def context(self, y, n):
        """the context [n, k] of labels/values y (None for an unconditioned model)"""
        if self.condition is None:
            if y is not None:
                raise ValueError(f"{self.name} is not conditioned (no `condition` declaration); y given")
            return None
        if y is None:
            raise ValueError(f"{self.name} is conditioned on `{self.condition['name']}`: pass y")
        return context_of(self.condition, y, n).to(self.dtype())

    def params(self, x, y=None, member=0, ctx=None):
        """the conditional's parameters [N, D, P] of one member, and x as [N, D]"""
        x2 = x.reshape(x.shape[0], self.D).to(self.dtype())
        ctx = self.context(y, x.shape[0]) if ctx is None else ctx
        kw = {**({"ctx": ctx} if ctx is not None else {}), **({"member": member} if member else {})}
        return self.cond(x2 / self.scale if self.scale != 1 else x2, **kw), x2

    def member_log_prob(self, x, y=None, member=0):
        p, x2 = self.params(x, y, member)
        return self.likelihood.log_prob(p, x2).sum(1)

    def log_prob(self, x, y=None):
        M = getattr(self.cond, "eval_members", 1)
        per = [self.member_log_prob(x, y, m) for m in range(M)]
        return per[0] if M == 1 else torch.logsumexp(torch.stack(per, 1), 1) - math.log(M)

    def loss(self, x, y=None):
        if getattr(self.cond, "agnostic", False):
            m = int(torch.randint(self.cond.members, (1,), generator=self.member_gen))
            return -self.member_log_prob(x, y, m).mean()
        return -self.log_prob(x, y).mean()

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None, y=None):
        """one full pass per dimension; each example in the order of its ensemble member (drawn uniformly
        from the evaluated ones). y: the condition of every sample or of each (default: the classes in turn)"""
        ctx = sample_context(self.condition, n, y).to(self.dtype()) if self.condition is not None else None
        M = getattr(self.cond, "eval_members", 1)
        orders = getattr(self.cond, "orders", [self.order])
        member = torch.randint(M, (n,), generator=generator) if M > 1 else torch.zeros(n, dtype=torch.long)
        used = sorted(set(member.tolist()))
        x = torch.zeros(n, self.D, dtype=self.dtype())
        rows = torch.arange(n)
        for t in range(self.D):
            for m in used:
                d = orders[m][t] if m < len(orders) else self.order[t]
                p, _ = self.params(x, member=m, ctx=ctx)
                sel = member == m
                x[rows[sel], d] = self.likelihood.sample(p[sel, d], temperature, generator)
        return x.reshape(n, *self.data_shape)

    def trace(self, x, y=None):
        p, x2 = self.params(x, y)
        yield "conditional", p, self.likelihood.log_prob(p, x2).sum(1)

    def dtype(self):
        return next(self.parameters()).dtype
