"""Distributed throughput: samples per second of the main job's WGAN-GP learners trained by one process, by two
processes on one machine, and by two "machines" (two torchrun launchers of one process each, meeting at a c10d
rendezvous on this machine), on the same global batch and data (fastai's `distrib_ctx`: CPU processes on gloo here, one
process per GPU on nccl where there are GPUs); the share of a step spent averaging the gradients over the processes; and
what each tool of the training toolkit costs on two processes. Each configuration runs in fresh processes: a warm-up
epoch, then a timed one; the median of `--runs` runs is reported.

    python bench/distributed.py                             # appends to bench/RESULTS.md
    python bench/distributed.py --runs 1 --batches 6 --settings gaussians8 --tools none --no-record   # smoke test
"""
import argparse, json, os, random, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))

TOOLS = ('none', 'ema', 'augment', 'lazy', 'metric')

def tool_callbacks(tool, name, learn):
    "The toolkit's callback(s) for `tool`, as the main job would add them (the average as a learner callback)."
    from fastai_wgangp.all import GeneratorEMA, DiffAugment, Penalty, gradient_penalty, LazyAdamCorrection, setting, JOB
    from fastai_wgangp.gan_metrics import quality_metric
    if tool=='ema': learn.add_cb(GeneratorEMA(10_000., ramp=JOB['ema_ramp'])); return []
    if tool=='augment': return [DiffAugment('translation,cutout')]
    if tool=='lazy':
        learn.loss_func.penalties = [Penalty(gradient_penalty, setting(name)['gp'], every=4)]
        return [LazyAdamCorrection()]
    if tool=='metric': return [quality_metric(name, every=1)]
    return []

def worker(name, batches, out, tool):
    "Train `batches` global batches (after a warm-up) in this process, one of `WORLD_SIZE`; rank 0 writes the timing."
    import warnings; warnings.simplefilter('ignore')
    import torch
    from fastai.vision.all import num_distrib, rank_distrib
    from fastai.distributed import distrib_barrier, teardown_distrib
    from fastai_wgangp.all import gan_dls, digits, gaussians8, GANDistributedTrainer
    from fastai_wgangp.settings import setting
    from fastai_wgangp.recipes import make_learner
    world,cuda = max(num_distrib(), 1),torch.cuda.is_available()
    gbs = setting(name)['bs']
    real = digits(16)[0] if name=='digits' else gaussians8(gbs*batches, seed=0)
    real = real[torch.arange(gbs*batches) % len(real)]
    dls = gan_dls(real, noise_size=setting(name)['noise_size'], bs=gbs//world, seed=0)
    learn = make_learner(name, 'wgan-gp', dls, seed=0)
    cbs = tool_callbacks(tool, name, learn)
    reduce = [0.]   # seconds spent averaging gradients (and the loss) over the processes
    average = GANDistributedTrainer.after_backward
    def timed(self):
        t = time.perf_counter(); average(self); reduce[0] += time.perf_counter()-t
    GANDistributedTrainer.after_backward = timed
    def fit():
        with learn.no_bar(), learn.no_logging():
            if world>1:
                with learn.distrib_ctx(cpu=not cuda, sync_bn=cuda): learn.fit(1, cbs=cbs)
            else: learn.fit(1, cbs=cbs)
    fit()                                   # warm-up: allocations, first calls (and the digits classifier of the metric)
    if world>1: distrib_barrier()
    reduce[0] = 0.
    t = time.perf_counter(); fit(); dt = time.perf_counter()-t
    if not rank_distrib(): Path(out).write_text(json.dumps(dict(seconds=dt, samples=gbs*batches, world=world, reduce=reduce[0])))
    if world>1: teardown_distrib()

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def launch(name, batches, procs, threads, nodes=1, tool='none'):
    "Run the worker on `procs` processes of `threads` threads each (over `nodes` launchers); samples per second and the averaging's share of the time."
    out = Path(tempfile.mkdtemp())/'t.json'
    env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'PYTHONWARNINGS': 'ignore'}
    args = [__file__, '--worker', name, '--batches', str(batches), '--out', str(out), '--tools', tool]
    run = [sys.executable, '-m', 'torch.distributed.run']
    if procs==1: cmds = [[sys.executable, *args]]
    elif nodes==1: cmds = [run + ['--standalone', f'--nproc_per_node={procs}', *args]]
    else:
        rdzv = ['--rdzv-backend=c10d', f'--rdzv-endpoint=127.0.0.1:{free_port()}', f'--rdzv-id=bench{random.randrange(10**9)}']
        cmds = [run + [f'--nnodes={nodes}', f'--nproc_per_node={procs//nodes}', *rdzv, *args]]*nodes
    ps = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for c in cmds]
    for p in ps:
        _,err = p.communicate()
        if p.returncode: raise RuntimeError(err[-3000:])
    d = json.loads(out.read_text())
    return d['samples']/d['seconds'],d['reduce']/d['seconds']

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--worker'); p.add_argument('--out')
    p.add_argument('--settings', default='gaussians8,digits')
    p.add_argument('--tools', default=','.join(TOOLS), help='tools measured on two processes (digits; the toy sets: all but augment)')
    p.add_argument('--batches', type=int, default=120, help='global batches in the timed epoch')
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    if a.worker: return worker(a.worker, a.batches, a.out, a.tools)
    import torch
    n = os.cpu_count()
    gpus = torch.cuda.device_count()
    configs = [(1, 1, 1), (1, n, 1), (2, max(n//2, 1), 1), (2, max(n//2, 1), 2)] if not gpus else [(1, 1, 1), (min(gpus, 2), 1, 1)]
    med = lambda f: tuple(statistics.median(v) for v in zip(*[f() for _ in range(a.runs)]))
    rows, res = [], {}
    for s in a.settings.split(','):
        for procs,threads,nodes in configs:
            sps,share = med(lambda: launch(s, a.batches, procs, threads, nodes))
            res[f'{s} {procs}x{threads}' + (f' {nodes} nodes' if nodes>1 else '')] = round(sps, 1)
            base = res.get(f'{s} 1x{threads if gpus else n}')
            rows.append([s, 'none', f"{procs} process{'es'*(procs>1)}" + (f' on {nodes} launchers' if nodes>1 else ''), threads, f'{sps:,.0f}',
                         f'{sps/base:.2f}' if base and procs>1 else '', f'{share:.1%}' if procs>1 else ''])
        for tool in a.tools.split(','):
            if tool=='none' or (tool=='augment' and s!='digits'): continue
            procs,threads,nodes = configs[2] if not gpus else configs[-1]
            sps,share = med(lambda: launch(s, a.batches, procs, threads, nodes, tool))
            res[f'{s} {procs}x{threads} {tool}'] = round(sps, 1)
            plain = res[f'{s} {procs}x{threads}']
            rows.append([s, tool, f'{procs} processes', threads, f'{sps:,.0f}', f'{sps/plain:.2f} of without it', f'{share:.1%}'])
    print(json.dumps(res))
    if a.no_record: return
    from results import record
    from fastai_wgangp.settings import setting
    dev = f'{gpus} GPU(s), nccl' if gpus else 'CPU processes, gloo'
    record('Distributed throughput: 1 and 2 processes, 2 launchers, and the toolkit', f"`fastai-wgangp`'s WGAN-GP learners ({dev}), global batch "
           f"{', '.join(str(setting(s)['bs'])+f' ({s})' for s in a.settings.split(','))}, {a.batches} global batches timed after a warm-up epoch, "
           f"median of {a.runs}; 'averaging' is the share of the timed epoch spent averaging gradients over the processes",
           ['setting', 'tool', 'processes', 'threads each', 'samples/s', 'ratio', 'averaging'], rows)

if __name__=='__main__': main()
