"""MAF with a non-affine elementwise transform, maf(…, transform: spline(bins, bound))
(runtime/bijectors/maf-transform.ts; Durkan et al. 2019, the autoregressive Neural Spline Flow). The MADE
emits P = 3·bins − 1 values per dimension (rows p·D + d, autoregressive in the order); z_i = T(x_i; p_i(x_<i)),
log-det Σ_i log T′(x_i), one pass. Sampling runs D passes (after pass k the first k dimensions in the order
are exact), each inverting T in closed form. Images are flattened channels-first, as the order indexes them.
context k > 0: the MADE also reads a VAE posterior's encoder context h (autoregressive.made_input)."""
from .autoregressive import made_input
from .bijectors import Layer
from .transforms import make_transform


class TransformMaf(Layer):
    def __init__(self, shape, net, transform, bins, bound, context=0):
        super().__init__()
        self.D = 1
        for s in shape:
            self.D *= s
        self.context = context
        self.transform = make_transform(transform, bins=bins, bound=bound)
        self.net = net([self.D + context], self.transform.P * self.D)

    def _params(self, v, h=None):
        """the MADE's outputs as [N, D, P]"""
        return self.net(made_input(self, v, h)).reshape(v.shape[0], self.transform.P, self.D).transpose(1, 2)

    def forward(self, x, ctx=None):
        v = x.reshape(x.shape[0], self.D)
        z, ld = self.transform.forward(v, self._params(v, ctx))
        return z.reshape(x.shape), ld.sum(1), None

    def inverse(self, y, out=None, ctx=None):
        z = y.reshape(y.shape[0], self.D)
        x = z.new_zeros(z.shape)
        for _ in range(self.D):
            x = self.transform.inverse(z, self._params(x, ctx))[0]
        x, ld = self.transform.inverse(z, self._params(x, ctx))
        return x.reshape(y.shape), ld.sum(1)
