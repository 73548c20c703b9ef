"""Distributed throughput: samples per second of the main job's WGAN-GP learners trained by one process and by two
(fastai's `distrib_ctx`: CPU processes on gloo here, one process per GPU on nccl where there are GPUs), on the same
global batch and data. Each configuration runs in fresh processes: a warm-up epoch, then a timed one; the median of
`--runs` runs is reported.

    python bench/distributed.py                             # appends to bench/RESULTS.md
    python bench/distributed.py --runs 1 --batches 6 --settings gaussians8 --no-record   # smoke test
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))

def worker(name, batches, out):
    "Train `batches` global batches (after a warm-up) in this process, one of `WORLD_SIZE`; rank 0 writes the timing."
    import warnings; warnings.simplefilter('ignore')
    import torch
    from fastai.vision.all import set_seed, num_distrib, rank_distrib
    from fastai.distributed import distrib_barrier
    from fastai_wgangp.all import gan_dls, digits, gaussians8
    from fastai_wgangp.settings import setting
    from fastai_wgangp.recipes import make_learner
    world,cuda = max(num_distrib(), 1),torch.cuda.is_available()
    gbs = setting(name)['bs']
    real = digits(16)[0] if name=='digits' else gaussians8(gbs*batches, seed=0)
    real = real[torch.arange(gbs*batches) % len(real)]
    dls = gan_dls(real, noise_size=setting(name)['noise_size'], bs=gbs//world, seed=0)
    learn = make_learner(name, 'wgan-gp', dls, seed=0)
    def fit():
        with learn.no_bar(), learn.no_logging():
            if world>1:
                with learn.distrib_ctx(cpu=not cuda, sync_bn=cuda): learn.fit(1)
            else: learn.fit(1)
    fit()                                   # warm-up: allocations, first calls
    if world>1: distrib_barrier()
    t = time.perf_counter(); fit(); dt = time.perf_counter()-t
    if not rank_distrib(): Path(out).write_text(json.dumps(dict(seconds=dt, samples=gbs*batches, world=world)))

def launch(setting, batches, procs, threads):
    "Run the worker on `procs` processes of `threads` threads each; return samples per second."
    out = Path(tempfile.mkdtemp())/'t.json'
    env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'PYTHONWARNINGS': 'ignore'}
    args = [__file__, '--worker', setting, '--batches', str(batches), '--out', str(out)]
    cmd = [sys.executable, *args] if procs==1 else [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={procs}', *args]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode: raise RuntimeError(r.stderr[-3000:])
    d = json.loads(out.read_text())
    return d['samples']/d['seconds']

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--worker'); p.add_argument('--out')
    p.add_argument('--settings', default='gaussians8,digits')
    p.add_argument('--batches', type=int, default=120, help='global batches in the timed epoch')
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    if a.worker: return worker(a.worker, a.batches, a.out)
    import torch
    n = os.cpu_count()
    gpus = torch.cuda.device_count()
    configs = [(1, 1), (1, n), (2, max(n//2, 1))] if not gpus else [(1, 1), (min(gpus, 2), 1)]
    rows, res = [], {}
    for s in a.settings.split(','):
        for procs,threads in configs:
            sps = statistics.median(launch(s, a.batches, procs, threads) for _ in range(a.runs))
            res[(s, procs, threads)] = sps
            base = res[(s, 1, threads if gpus else n)] if (s, 1, threads if gpus else n) in res else None
            rows.append([s, procs, threads, f'{sps:,.0f}', f'{sps/base:.2f}' if base and procs>1 else ''])
    print(json.dumps({f'{k[0]} {k[1]}x{k[2]}': round(v, 1) for k,v in res.items()}))
    if a.no_record: return
    from results import record
    from fastai_wgangp.settings import setting
    dev = f'{gpus} GPU(s), nccl' if gpus else 'CPU processes, gloo'
    record('Distributed throughput: 1 vs 2 processes', f"`fastai-wgangp`'s WGAN-GP learners ({dev}), global batch "
           f"{', '.join(str(setting(s)['bs'])+f' ({s})' for s in a.settings.split(','))}, {a.batches} global batches timed after a warm-up epoch, median of {a.runs}",
           ['setting', 'processes', 'threads each', 'samples/s', 'vs 1 process, all cores'], rows)

if __name__=='__main__': main()
