"""Clean exits: a short two-process fit (fastai's `distrib_ctx`, CPU processes on gloo) that gathers a result after the
fit, launched with torchrun `--runs` times in a row while `--load` busy processes compete for the cores; counts the
launches that exit 0 with no abort (`terminate called ...`, SIGABRT) at teardown.

    python bench/teardown.py --runs 100 --load 2          # appends to bench/RESULTS.md
    python bench/teardown.py --runs 3 --no-record         # smoke test
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

def worker(out):
    "Fit one epoch on two processes, then gather each process's weights and the fit's last loss, and write them (rank 0)."
    import warnings; warnings.simplefilter('ignore')
    import torch, torch.distributed as dist
    from fastai.vision.all import set_seed, rank_distrib
    from fastai_wgangp.all import GANLearner, gan_dls, gaussians8, toy_generator, toy_critic
    torch.set_num_threads(1)
    set_seed(0)
    learn = GANLearner.wgan_gp(gan_dls(gaussians8(512, seed=0), noise_size=2, bs=32, seed=0),
                               toy_generator(2, 2, width=16, n_hidden=2), toy_critic(2, width=16, n_hidden=2))
    with learn.no_bar(), learn.no_logging(), learn.distrib_ctx(cpu=True): learn.fit(1)
    digest = float(sum(p.double().sum() for p in learn.model.parameters()))
    res = [None]*dist.get_world_size()
    dist.all_gather_object(res, (rank_distrib(), digest))   # a result gathered after the fit, as a script would
    if not rank_distrib(): Path(out).write_text(json.dumps(res))

def launch(timeout=300):
    "One two-process launch: its exit status, whether it aborted, and whether its result was written."
    out = Path(tempfile.mkdtemp())/'res.json'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore', 'TORCH_SHOW_CPP_STACKTRACES': '1'}
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', __file__, '--worker', str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    aborted = 'terminate called' in r.stderr or 'SIGABRT' in r.stderr or 'Signal 6' in r.stderr
    return dict(rc=r.returncode, aborted=aborted, wrote=out.exists(), tail=r.stderr[-1500:] if r.returncode or aborted else '')

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--worker'); p.add_argument('--runs', type=int, default=100)
    p.add_argument('--load', type=int, default=2, help='busy processes competing for the cores meanwhile')
    p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    if a.worker: return worker(a.worker)
    busy = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(a.load)]
    res, t0 = [], time.perf_counter()
    try:
        for i in range(a.runs):
            res.append(launch())
            if res[-1]['rc'] or res[-1]['aborted']: print(f"run {i}: exit {res[-1]['rc']}, aborted {res[-1]['aborted']}\n{res[-1]['tail']}", flush=True)
    finally:
        for b in busy: b.kill()
    clean = sum(r['rc']==0 and not r['aborted'] for r in res)
    summary = dict(runs=len(res), clean=clean, aborted=sum(r['aborted'] for r in res), failed=sum(r['rc']!=0 for r in res),
                   wrote=sum(r['wrote'] for r in res), seconds=round(time.perf_counter()-t0, 1))
    print(json.dumps(summary))
    if a.no_record: return
    sys.path.insert(0, str(Path(__file__).parent))
    from results import record
    record('Clean exits of two-process runs', f"a one-epoch fit on 2 CPU processes (gloo) that gathers a result afterwards, launched by torchrun "
           f"{len(res)} times in a row with {a.load} busy processes competing for the cores",
           ['launches', 'clean exits', 'aborted at teardown', 'non-zero exits', 'results written', 'seconds'],
           [[summary[k] for k in ('runs', 'clean', 'aborted', 'failed', 'wrote', 'seconds')]])

if __name__=='__main__': main()
