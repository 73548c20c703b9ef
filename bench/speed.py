"""Speed: time per generator update of the package's learners vs a plain PyTorch loop (bench/plain.py): WGAN-GP
(`GANLearner.wgan_gp`) and hinge + R1 (`GANLearner.from_losses`), each with fused critic calls (the default for these
critics, which have no batch norm) and unfused (`fuse=False`), and fastai's weight-clipped WGAN against its plain twin.
All sides consume the same fastai batches, use the same networks, optimizer settings and threads, and run interleaved;
the median of `--runs` runs is reported, with peak memory from separate processes.

    python bench/speed.py                      # full run, appends to bench/RESULTS.md
    python bench/speed.py --runs 1 --updates 2 --no-record   # smoke test
"""
import argparse, json, os, platform, statistics, subprocess, sys, threading, time
from pathlib import Path
import torch, torch.nn as nn
from fastai.vision.all import *
from fastai_wgangp.all import *
from fastai_wgangp.data import gan_dls, gaussians8, digits
from fastai_wgangp.models import toy_generator, toy_critic, dcgan_generator, dcgan_critic
sys.path.insert(0, str(Path(__file__).parent))
from plain import plain_wgan
from results import record

N_CRIT, LAM = 5, 10.

def setting(name, updates, bs):
    "Data loaders (exactly `updates` generator updates per epoch) and fresh networks for a benchmark setting."
    n = bs*(N_CRIT+1)*updates
    if name=='toy':
        real,nz = gaussians8(n, seed=0),2
        nets = lambda: (toy_generator(nz), toy_critic())
    else:
        imgs = digits(16)[0]
        real,nz = imgs[torch.arange(n)%len(imgs)],64
        nets = lambda: (dcgan_generator(16, 1, noise_size=nz, n_features=32), dcgan_critic(16, 1, n_features=32))
    return gan_dls(real, noise_size=nz, bs=bs, seed=0), nets

LOSSES = ('wgan-gp', 'hinge-r1', 'wgan-clip')
R1_WEIGHT = 1.

def fastai_run(dls, nets, loss, fuse=None):
    "One epoch of fastai's loop: ours (`wgan_gp`, or hinge + R1 via `from_losses`) or fastai's own weight-clipped `GANLearner.wgan`."
    set_seed(0); G,D = nets()
    if loss=='wgan-clip':  learn = GANLearner.wgan(dls, G, D, opt_func=partial(Adam, mom=0., sqr_mom=.9, eps=1e-8, wd=0.), lr=1e-4)
    elif loss=='wgan-gp':  learn = GANLearner.wgan_gp(dls, G, D, weight=LAM, n_crit=N_CRIT, fuse=fuse)
    else: learn = GANLearner.from_losses(dls, G, D, losses=hinge_losses(), penalties=Penalty(r1_penalty, R1_WEIGHT), n_crit=N_CRIT, fuse=fuse)
    with learn.no_bar(), learn.no_logging():
        t = time.perf_counter(); learn.fit(1); return time.perf_counter()-t

def plain_run(dls, nets, loss):
    "The same epoch as a hand-written PyTorch loop over the same batches."
    set_seed(0); G,D = nets()
    t = time.perf_counter()
    if loss=='hinge-r1': plain_wgan(dls.train, G, D, n_crit=N_CRIT, weight=R1_WEIGHT, loss='hinge-r1')
    else: plain_wgan(dls.train, G, D, n_crit=N_CRIT, weight=LAM, clip=.01 if loss=='wgan-clip' else None)
    return time.perf_counter()-t

RUNNERS = {'ours': fastai_run, 'ours-unfused': partial(fastai_run, fuse=False), 'plain': plain_run}
def sides(loss): return ['ours', 'plain'] if loss=='wgan-clip' else list(RUNNERS)   # fastai's own learner has no fused path

def rss_mib():
    "Current resident memory of this process, MiB."
    with open('/proc/self/statm') as f: return int(f.read().split()[1])*os.sysconf('SC_PAGE_SIZE')/2**20

def peak_mem(args, setting_name, side, loss):
    "Peak resident memory (MiB) that one run adds above what the process held before it, in a fresh process."
    cmd = [sys.executable, __file__, '--only', f'{setting_name}:{side}:{loss}', '--updates', str(args.updates), '--bs', str(args.bs), '--threads', str(args.threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])['maxrss_mib']

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--runs', type=int, default=5); p.add_argument('--updates', type=int, default=20)
    p.add_argument('--bs', type=int, default=64); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--settings', default='toy,digits'); p.add_argument('--losses', default=','.join(LOSSES))
    p.add_argument('--no-record', action='store_true')
    p.add_argument('--no-mem', action='store_true'); p.add_argument('--only', default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.only:
        name,side,loss = args.only.split(':')
        dls,nets = setting(name, args.updates, args.bs)
        RUNNERS[side](dls, nets, loss)                                     # warm-up: allocator and caches settle
        base,peak,stop = rss_mib(),[0.],threading.Event()
        def sample():
            while not stop.is_set(): peak[0] = max(peak[0], rss_mib()); time.sleep(.002)
        t = threading.Thread(target=sample); t.start()
        RUNNERS[side](dls, nets, loss)
        stop.set(); t.join()
        print(json.dumps(dict(maxrss_mib=peak[0]-base))); return
    rows = []
    for name in args.settings.split(','):
        dls,nets = setting(name, args.updates, args.bs)
        for loss in args.losses.split(','):
            run = sides(loss)
            for side in run: RUNNERS[side](dls, nets, loss)                # warm-up
            times = {s: [] for s in run}
            for _ in range(args.runs):                                     # interleaved
                for side in run: times[side].append(RUNNERS[side](dls, nets, loss)/args.updates)
            med = {s: statistics.median(v) for s,v in times.items()}
            mem = {} if args.no_mem else {s: peak_mem(args, name, s, loss) for s in run}
            for side in run[:-1]:
                rows.append(dict(setting=name, loss=loss, side=side, ours_ms=1e3*med[side], plain_ms=1e3*med['plain'],
                                 ratio=med[side]/med['plain'], ours_mib=mem.get(side), plain_mib=mem.get('plain')))
                r = rows[-1]
                print(f"{name:7} {loss:9} {side:13} {r['ours_ms']:8.2f} ms  plain {r['plain_ms']:8.2f} ms  ratio {r['ratio']:.3f}", flush=True)
    by = {(r['setting'], r['loss'], r['side']): r for r in rows}
    for name in args.settings.split(','):
        gp,cl = by.get((name, 'wgan-gp', 'ours')),by.get((name, 'wgan-clip', 'ours'))
        if gp and cl: print(f"{name}: GP ÷ clip cost  ours {gp['ours_ms']/cl['ours_ms']:.2f}  plain {gp['plain_ms']/cl['plain_ms']:.2f}")
    if args.no_record: return
    fmt = lambda v: '–' if v is None else f'{v:.1f}'
    record('Speed', f"{args.updates} generator updates ({N_CRIT} critic steps each) per run, bs {args.bs}, {args.threads} threads, median of {args.runs} interleaved runs",
           ['setting', 'loss', 'critic calls', 'ours ms/update', 'plain ms/update', 'ours ÷ plain', 'ours peak extra MiB', 'plain peak extra MiB'],
           [[r['setting'], r['loss'], 'fastai' if r['loss']=='wgan-clip' else 'fused' if r['side']=='ours' else 'unfused', f"{r['ours_ms']:.2f}", f"{r['plain_ms']:.2f}", f"{r['ratio']:.3f}", fmt(r['ours_mib']), fmt(r['plain_mib'])] for r in rows])

if __name__=='__main__': main()
