"""Peak memory and speed of the chunked linear cross-entropy against the naive one.

Run from the repository root::

    .venv/bin/python benchmarks/bench_linear_ce.py            # N=8192, d=1024, V=131072 (float32)
    .venv/bin/python benchmarks/bench_linear_ce.py --small    # N=2048, d=256,  V=32768, a quick run

One forward + backward of the loss of ``hidden @ weight.T + bias`` (gradients
for all three) for:

* ``naive``: ``F.cross_entropy(hidden @ weight.T + bias, target)``, the N x V
  logits held by autograd;
* ``chunked cn x cv``: :func:`xentbook.nn.linear_cross_entropy` with
  ``chunk_size=cn`` and ``vocab_chunk=cv``.

Each variant runs in its own subprocess.  Memory is the peak resident set
size (``getrusage(RUSAGE_SELF).ru_maxrss``) at the end minus its value after
the inputs were allocated and touched, so it counts everything the loss step
allocates: logits, softmax, gradient buffers (``weight.grad`` alone is
V x d).  Large tensors are allocated with ``mmap`` by glibc, so freed memory
does not hide inside the process.  Speed is wall time of the step (best of
``--repeats``).  The script prints each variant's numbers and the ratios
``naive peak / chunked peak`` and ``naive time / chunked time`` (speed ratio:
> 1 means the chunked loss is faster), and checks that the losses agree.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def child(args: argparse.Namespace) -> None:
    import torch
    import torch.nn.functional as F

    from xentbook.nn import linear_cross_entropy

    torch.manual_seed(0)
    N, d, V = args.n, args.d, args.v
    hidden = (torch.randn(N, d) / d**0.5).requires_grad_()
    weight = torch.randn(V, d).requires_grad_()
    bias = torch.randn(V).requires_grad_()
    target = torch.randint(0, V, (N,))
    target[::17] = -100

    def step() -> float:
        for t in (hidden, weight, bias):
            t.grad = None
        if args.variant == "naive":
            loss = F.cross_entropy(hidden @ weight.T + bias, target)
        else:
            loss = linear_cross_entropy(hidden, weight, target, bias, chunk_size=args.cn, vocab_chunk=args.cv)
        loss.backward()
        return float(loss)

    base = _rss_mib()
    times, loss = [], None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    peak = _rss_mib() - base
    gnorm = float(sum(t.grad.double().pow(2).sum() for t in (hidden, weight, bias)) ** 0.5)
    print(json.dumps(dict(peak_mib=peak, seconds=min(times), loss=loss, grad_norm=gnorm)))


def run_variant(variant: str, cn: int, cv: int, ns: argparse.Namespace) -> dict:
    cmd = [
        sys.executable, __file__, "--child", "--variant", variant, "--n", str(ns.n), "--d", str(ns.d),
        "--v", str(ns.v), "--cn", str(cn), "--cv", str(cv), "--repeats", str(ns.repeats),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="N=2048, d=256, V=32768 (quick)")
    p.add_argument("--n", type=int, default=8192)
    p.add_argument("--d", type=int, default=1024)
    p.add_argument("--v", type=int, default=131072)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--chunks", default=None, help="comma-separated cn x cv, e.g. 256x131072,1024x32768")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--variant", default="naive", help=argparse.SUPPRESS)
    p.add_argument("--cn", type=int, default=1024, help=argparse.SUPPRESS)
    p.add_argument("--cv", type=int, default=32768, help=argparse.SUPPRESS)
    ns = p.parse_args()
    if ns.child:
        child(ns)
        return
    if ns.small:
        ns.n, ns.d, ns.v = 2048, 256, 32768
    if ns.repeats is None:
        ns.repeats = 3 if ns.small else 1
    if ns.chunks is None:
        ns.chunks = f"256x{ns.v},1024x{ns.v // 4},1024x{ns.v // 16}"
    chunks = [tuple(int(x) for x in c.split("x")) for c in ns.chunks.split(",")]
    print(f"N={ns.n} d={ns.d} V={ns.v} float32, forward+backward, best of {ns.repeats}")
    print(f"naive logits alone: {ns.n * ns.v * 4 / 2**20:.0f} MiB; weight.grad: {ns.v * ns.d * 4 / 2**20:.0f} MiB")
    naive = run_variant("naive", 0, 0, ns)
    print(f"{'variant':>22} {'peak MiB':>9} {'seconds':>8} {'mem ratio':>10} {'speed ratio':>12} {'|dloss|':>9}")
    print(f"{'naive':>22} {naive['peak_mib']:9.0f} {naive['seconds']:8.2f}")
    for cn, cv in chunks:
        r = run_variant("chunked", cn, cv, ns)
        print(
            f"{f'chunked {cn}x{cv}':>22} {r['peak_mib']:9.0f} {r['seconds']:8.2f} "
            f"{naive['peak_mib'] / r['peak_mib']:9.1f}x {naive['seconds'] / r['seconds']:11.2f}x "
            f"{abs(r['loss'] - naive['loss']):9.1e}"
        )
        rel = abs(r["grad_norm"] - naive["grad_norm"]) / naive["grad_norm"]
        assert rel < 1e-3, f"gradient norms disagree: {rel}"
    print("mem ratio = naive peak / chunked peak (target >= 8); speed ratio = naive time / chunked time (target >= 0.8)")


if __name__ == "__main__":
    main()
