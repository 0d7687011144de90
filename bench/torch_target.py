#!/usr/bin/python3
"""Times the PyTorch code flowc emits (compile --target pytorch) with the step protocol of the
hand-written reference ../shared/bench/torch_ref.py: warmup steps, then timed steps of
(next batch, forward, loss, backward, Adam, read the loss), one thread by default.

    flowc compile bench/specs/w1_realnvp2d.flow --target pytorch -o /tmp/w1
    /usr/bin/python3 bench/torch_target.py /tmp/w1 --batch 512 --threads 1 --steps 50 --warmup 5

Prints one JSON line (the fields of torch_ref.py's: examples_per_sec, ms_per_step, ...). The rows are
random values in the model's data domain (timing does not depend on them); an energy target (W5)
takes fresh N(0, I) base samples each step and the reverse-KL loss, as the reference does."""
import argparse
import json
import math
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("package")
p.add_argument("--batch", type=int, required=True)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
a = p.parse_args()
os.environ["OMP_NUM_THREADS"] = str(a.threads)

import torch  # noqa: E402

torch.set_num_threads(a.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass
torch.manual_seed(0)
sys.path.insert(0, a.package)
import model as package  # noqa: E402

m = package.load()
ir = package.IR
dom, shape = ir["data"]["domain"], ir["data"]["shape"]
n = 16 * a.batch
if m.family == "energy":
    rows = None
elif dom["kind"] == "real":
    rows = torch.randn(n, *shape)
elif dom["kind"] == "binary":
    rows = (torch.rand(n, *shape) < 0.5).float()
else:
    rows = torch.randint(0, dom["K"], (n, *shape)).float()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
k = 0


def objective():
    """the reference's loss: −log p of the next batch; an energy target (W5): reverse KL on fresh base samples"""
    global k
    if m.family == "energy":
        z0 = torch.randn(a.batch, *shape)
        z, ld = m.inverse(z0)
        return (m.prior.log_prob(z0) - ld + m.energy(z)).mean()
    batch = rows[(k * a.batch) % n:(k * a.batch) % n + a.batch]
    k += 1
    return -m.log_prob(batch).mean()


def step():
    opt.zero_grad(set_to_none=True)
    loss = objective()
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(a.warmup):
    step()
t0 = time.perf_counter()
for _ in range(a.steps):
    loss = step()
secs = time.perf_counter() - t0
print(json.dumps({"engine": "torch (flowc --target pytorch)", "torch_version": torch.__version__, "model": ir["model"],
                  "threads": a.threads, "batch": a.batch, "steps": a.steps, "warmup": a.warmup, "seconds": secs,
                  "examples_per_sec": a.batch * a.steps / secs, "ms_per_step": 1e3 * secs / a.steps,
                  "final_loss": loss, "params": sum(p.numel() for p in m.parameters())}))
