"""The activations, as compiler/math/activations.ts defines them (gelu: the tanh approximation)."""
import math

import torch
import torch.nn.functional as F

LEAKY_SLOPE = 0.01
GELU_K = math.sqrt(2 / math.pi)
GELU_C = 0.044715


def _gelu(x):
    return 0.5 * x * (1 + torch.tanh(GELU_K * (x + GELU_C * x ** 3)))


def _gelu_grad(x):
    t = torch.tanh(GELU_K * (x + GELU_C * x ** 3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x)


ACTIVATIONS = {
    "relu": (F.relu, lambda x: (x > 0).to(x.dtype)),
    "leaky_relu": (lambda x: F.leaky_relu(x, LEAKY_SLOPE), lambda x: torch.where(x > 0, 1.0, LEAKY_SLOPE).to(x.dtype)),
    "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2),
    "sigmoid": (torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x))),
    "elu": (F.elu, lambda x: torch.where(x > 0, torch.ones_like(x), torch.exp(torch.clamp(x, max=0)))),
    "softplus": (F.softplus, torch.sigmoid),
    "gelu": (_gelu, _gelu_grad),
    "linear": (lambda x: x, torch.ones_like),
    "none": (lambda x: x, torch.ones_like),
}


def activation(name):
    return ACTIVATIONS[name][0]


def activation_grad(name):
    return ACTIVATIONS[name][1]
