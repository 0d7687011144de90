"""MAF and IAF with a MADE conditioner giving (μ, α) per dimension (runtime/bijectors/autoregressive.ts).
MAF: density direction closed, z = (x − μ(x))·exp(−α(x)); IAF: sampling direction closed,
x = z·exp(α(z)) + μ(z). The sequential direction runs D passes. Images are flattened channels-first."""
from .bijectors import Layer


class _ArFlow(Layer):
    def __init__(self, shape, net):
        super().__init__()
        self.D = 1
        for s in shape:
            self.D *= s
        self.net = net([self.D], 2 * self.D)

    def mu_alpha(self, v):
        return self.net(v).chunk(2, dim=1)

    def flat(self, x):
        return x.reshape(x.shape[0], self.D)


class Maf(_ArFlow):
    def forward(self, x):
        v = self.flat(x)
        mu, a = self.mu_alpha(v)
        return ((v - mu) * (-a).exp()).reshape(x.shape), -a.sum(1), None

    def inverse(self, y, out=None):
        z = self.flat(y)
        x, a = z.new_zeros(z.shape), z.new_zeros(z.shape)
        for _ in range(self.D):
            mu, a = self.mu_alpha(x)
            x = z * a.exp() + mu
        return x.reshape(y.shape), a.sum(1)


class Iaf(_ArFlow):
    def forward(self, x):
        v = self.flat(x)
        z = v.new_zeros(v.shape)
        for _ in range(self.D):
            mu, a = self.mu_alpha(z)
            z = (v - mu) * (-a).exp()
        _, a = self.mu_alpha(z)
        return z.reshape(x.shape), -a.sum(1), None

    def inverse(self, z, out=None):
        v = self.flat(z)
        mu, a = self.mu_alpha(v)
        return (v * a.exp() + mu).reshape(z.shape), a.sum(1)
