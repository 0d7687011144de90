#!/usr/bin/env python3
"""Trains this package's model with PyTorch, on one process or many (torch.distributed, DDP: gloo on
CPU, nccl on GPUs). The spec's train { } settings are the defaults; flags override them.

    python3 train.py --out runs/a                       # one process
    torchrun --nproc_per_node 4 train.py --out runs/a   # four (one GPU each when there are GPUs)

--batch is the global batch, split evenly over the processes, and every process reads its share of
the same rows, so N processes follow the loss curve of one. A `condition y` model reads the labels of
--data's rows from --labels (as `flowc train --labels`) and trains on log p(x | y):

    flowc data export mnist -o x.npy --labels y.npy     # MNIST's rows and their digits
    python3 train.py --data x.npy --labels y.npy --out runs/a

The run folder gets metrics.jsonl (the schema of `flowc train`) and checkpoint.ckpt (flowc's format,
written atomically, the previous one kept): `flowc eval RUN --data ...`, `flowc sample RUN` and
`--resume` read it. A non-finite loss stops training, names the first layer whose output or log-det
is not finite, and keeps the last good checkpoint. SIGINT/SIGTERM finish the step, save and exit with
128 + the signal's number.
"""
import argparse
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import model as package  # noqa: E402
from flowc_torch import ckpt  # noqa: E402
from flowc_torch.data import DataError, load, load_labels, split  # noqa: E402
from flowc_torch.package import assign, tf_variables  # noqa: E402


def parse(argv, t):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="a .csv/.npy/.idx file, or toy:moons (default: the spec's data)")
    p.add_argument("--labels", help="a `condition y` model: the labels of --data's rows (.csv/.npy/.idx, one row "
                                    "per example: a class, or the condition vector), as flowc train --labels")
    p.add_argument("--steps", type=int, help="optimizer steps in all (default: the spec's steps or epochs)")
    p.add_argument("--epochs", type=float, help="epochs over the training rows instead of --steps")
    p.add_argument("--batch", type=int, default=t["batch"], help="global batch (default: the spec's)")
    p.add_argument("--lr", type=float, default=t["optimizer"]["lr"])
    p.add_argument("--seed", type=int, default=t.get("seed", 0))
    p.add_argument("--out", required=True, help="run folder (created)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.ckpt")
    p.add_argument("--checkpoint-every", type=int, default=t.get("checkpointEvery") or 500)
    p.add_argument("--init", help="start from these weights (a run folder or checkpoint) instead of the package's")
    p.add_argument("--threads", type=int, help="CPU threads per process (default: cores / processes)")
    p.add_argument("--log-every", type=int, default=50, help="print the loss every N steps")
    return p.parse_args(argv)


def first_non_finite(m, x, y=None):
    """the first layer whose output or log-det is not finite on x (or the prior)"""
    with torch.no_grad():
        for lid, h, ld in (m.trace(x) if y is None else m.trace(x, y)):
            if not torch.isfinite(h).all() or not torch.isfinite(ld).all():
                return lid
    return "prior"


class Objective(torch.nn.Module):
    """the mean negative log-likelihood, as one module so that DDP sees every parameter's use"""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, y=None):
        if self.m.family == "energy":         # x: a batch of base samples z_0
            z, ld = self.m.inverse(x)
            return (self.m.prior.log_prob(x) - ld + self.m.energy(z)).mean()
        # −log p; −ELBO (one reparameterized draw) for VAEs and categorical encodings, as flowc train
        return self.m.loss(x) if y is None else self.m.loss(x, y)


def main(argv):
    ir = package.IR
    t = ir["train"]
    a = parse(argv, t)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    torch.set_num_threads(a.threads or max(1, (os.cpu_count() or 1) // world))
    say = (lambda *s: print(*s, flush=True)) if rank == 0 else (lambda *s: None)
    who = f" (process {rank} of {world})" if world > 1 else ""

    def fail(msg, code=1):                    # on every process: a failure on one rank alone is not silent
        print(f"train.py: error{who}: {msg}", file=sys.stderr, flush=True)
        sys.exit(code)

    if a.batch % world:
        fail(f"--batch {a.batch} does not split evenly over {world} processes")
    energy = ir["family"] == "energy"          # reverse KL to a target: fresh base samples, no data
    conditioned = ir.get("condition") is not None
    try:
        x_all = np.zeros((a.batch, *ir["data"]["shape"]), np.float32) if energy else load(a.data, ir)
        y_all = load_labels(a.labels, ir, len(x_all)) if conditioned or a.labels else None
    except (DataError, OSError, ValueError) as e:
        fail(str(e))
    if energy:
        train_x, test_x, train_y, test_y = x_all, x_all, None, None
    elif y_all is None:
        (train_x, test_x), train_y, test_y = split(x_all, a.seed), None, None
    else:
        train_x, test_x, train_y, test_y = split(x_all, a.seed, y_all)
    n = len(train_x)
    per_epoch = math.ceil(n / a.batch)
    steps = a.steps or (math.ceil(a.epochs * per_epoch) if a.epochs else t.get("steps") or math.ceil(
        (t.get("epochs") or 1) * per_epoch))

    torch.manual_seed(a.seed + rank)
    m = package.load(a.init)
    os.makedirs(a.out, exist_ok=True)
    opt = torch.optim.Adam(m.parameters(), lr=a.lr, betas=(t["optimizer"]["beta1"], t["optimizer"]["beta2"]),
                           eps=t["optimizer"]["eps"])
    names = {id(p): k for k, p in m.named_parameters()}
    step, cursor = 0, 0
    metrics = os.path.join(a.out, "metrics.jsonl")
    if a.resume:
        try:
            c = ckpt.read(a.out)
        except (ckpt.CheckpointError, OSError) as e:
            fail(f"--resume: {e}")
        assign(m, c["variables"], c["file"])
        step, cursor = c["step"], c["cursor"]
        o = c.get("optimizer") or {}
        if o.get("engine") == "torch":
            opt.load_state_dict(optimizer_state(opt, names, o))
        say(f"resuming at step {step} from {c['file']}")
        if rank == 0 and os.path.exists(metrics):
            keep = [l for l in open(metrics) if l.strip() and json.loads(l)["step"] <= step]
            open(metrics, "w").writelines(keep)
    elif rank == 0:
        open(metrics, "w").close()
    m.to(device)
    if not energy and ir["family"] != "vae":
        x0 = torch.from_numpy(train_x[:a.batch]).to(device)
        y0 = None if train_y is None else torch.from_numpy(train_y[:a.batch]).to(device)
        with torch.no_grad():                 # data-dependent initialisation (actnorm), the same on every rank
            m.log_prob(x0) if y0 is None else m.log_prob(x0, y0)
    obj = Objective(m)
    if world > 1:
        obj = torch.nn.parallel.DistributedDataParallel(obj, device_ids=[local] if cuda else None)
    stop = {"sig": 0}
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, lambda sig, _f: stop.update(sig=sig))
    discrete = ir["data"]["domain"]["kind"] != "real"
    D = math.prod(ir["data"]["shape"])
    rng = np.random.default_rng(a.seed)
    order = rng.permutation(n)
    epoch = cursor // n
    for _ in range(epoch):
        order = rng.permutation(n)
    t0, start = time.time(), step
    what = "by reverse KL to its target" if energy else f"on {n} rows"
    how = "nccl on cuda" if cuda else "gloo on cpu" if world > 1 else "cpu"
    say(f"training {ir['model']} {what}, {steps} steps of {a.batch} "
        f"({world} process{'es' if world > 1 else ''}, {how})")

    def save():
        if rank == 0:
            ckpt.write(a.out, tf_variables(m), ir, step=step, cursor=cursor,
                       optimizer=optimizer_blob(opt, names), meta={"engine": "torch", "world": world, "batch": a.batch})

    while step < steps:
        pos = cursor % n
        if cursor // n != epoch:
            epoch, order = cursor // n, rng.permutation(n)
        idx = np.concatenate([order[pos:pos + a.batch], order[:max(0, pos + a.batch - n)]])
        share = a.batch // world
        if energy:                            # the global batch of base samples, drawn from (seed, step)
            g = torch.Generator().manual_seed(a.seed * 1000003 + step)
            xb, yb = m.prior.sample(a.batch, 1.0, g)[rank * share:(rank + 1) * share].to(device), None
        else:
            mine = idx[rank * share:(rank + 1) * share]
            xb = torch.from_numpy(train_x[mine]).to(device)
            yb = None if train_y is None else torch.from_numpy(train_y[mine]).to(device)
        loss = obj(xb) if yb is None else obj(xb, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if t.get("clip"):
            torch.nn.utils.clip_grad_norm_(m.parameters(), t["clip"])
        lv = loss.detach().clone()
        if world > 1:
            dist.all_reduce(lv)
            lv /= world
        lv = float(lv)
        if not math.isfinite(lv):
            layer = first_non_finite(m, xb, yb)
            fail(f"step {step + 1}: the loss is not finite ({lv}); first non-finite output or log-det: layer {layer}. "
                 f"The last good checkpoint is kept.", 3)
        opt.step()
        step += 1
        cursor += a.batch
        secs = max(1e-3, time.time() - t0)
        line = {"step": step, "loss": lv, "examples_per_sec": round((step - start) * a.batch / secs),
                "time": round(secs, 3)}
        if discrete:
            line["bits_per_dim"] = lv / (D * math.log(2))
        if step == steps and not energy:
            line.update(evaluate(m, test_x, test_y, device, discrete, D))
        if rank == 0:
            with open(metrics, "a") as f:
                f.write(json.dumps(line) + "\n")
        if step % a.log_every == 0 or step == steps:
            held = f" test_nll {line['test_nll']:.4f}" if "test_nll" in line else ""
            say(f"step {step}/{steps} loss {lv:.4f}{held}")
        if step % a.checkpoint_every == 0 or step == steps or stop["sig"]:
            save()
        if stop["sig"]:
            say(f"stopped at step {step}; resume with: python3 train.py --out {a.out} --resume")
            sys.exit(128 + stop["sig"])
    say(f"wrote {os.path.join(a.out, ckpt.CHECKPOINT_FILE)}, {metrics}")
    if world > 1:
        # every process waits here until rank 0 has written the checkpoint, then all leave together: a process
        # that tore its process group down while another was still saving could leave gloo's peer waiting
        dist.barrier()
        dist.destroy_process_group()


def evaluate(m, test_x, test_y, device, discrete, D):
    """the mean test NLL (−log p(x | y) given the labels of a conditioned model)"""
    def nll(i):
        xb = torch.from_numpy(test_x[i:i + 512]).to(device)
        lp = m.log_prob(xb) if test_y is None else m.log_prob(xb, torch.from_numpy(test_y[i:i + 512]).to(device))
        return float(-lp.sum())

    with torch.no_grad():
        tot = sum(nll(i) for i in range(0, len(test_x), 512))
    nll = tot / len(test_x)
    out = {"test_nll": nll, "test_rows": len(test_x)}
    if discrete:
        out["test_bits_per_dim"] = nll / (D * math.log(2))
    return out


def optimizer_blob(opt, names):
    """Adam's state by parameter name (torch layouts), for --resume"""
    st = opt.state_dict()
    params = [p for g in opt.param_groups for p in g["params"]]
    out = {"engine": "torch", "step": {}, "exp_avg": {}, "exp_avg_sq": {}}
    for i, p in enumerate(params):
        s = st["state"].get(i)
        if s:
            k = names[id(p)]
            out["step"][k] = float(s["step"])
            out["exp_avg"][k] = s["exp_avg"].detach().cpu().numpy()
            out["exp_avg_sq"][k] = s["exp_avg_sq"].detach().cpu().numpy()
    return out


def optimizer_state(opt, names, blob):
    st = opt.state_dict()
    params = [p for g in opt.param_groups for p in g["params"]]
    for i, p in enumerate(params):
        k = names[id(p)]
        if k in blob["exp_avg"]:
            st["state"][i] = {"step": torch.tensor(blob["step"][k]),
                              "exp_avg": torch.from_numpy(np.asarray(blob["exp_avg"][k])).reshape(p.shape),
                              "exp_avg_sq": torch.from_numpy(np.asarray(blob["exp_avg_sq"][k])).reshape(p.shape)}
    return st


if __name__ == "__main__":
    main(sys.argv[1:])
