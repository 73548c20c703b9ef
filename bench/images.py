"""Your own images: data-loading throughput of `image_gan_dls` (0 and 2 workers) against a plain torchvision
`ImageFolder` + `DataLoader` doing the same decoding, resizing and cropping, on a folder of generated PNG files; and
training time per generator update of `GANLearner.wgan_gp` on `image_nets(64, 3)` at 64×64 (batch 64, n_crit 5), with
peak memory (resident on the CPU, allocated on CUDA, fp32 and `to_fp16()` there).

    python bench/images.py                                     # appends to bench/RESULTS.md
    python bench/images.py --images 128 --updates 1 --no-record   # smoke test
"""
import argparse, json, os, resource, statistics, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, torch
from PIL import Image
sys.path.insert(0, str(Path(__file__).parent))
warnings.simplefilter('ignore')
from fastai.vision.all import *
from fastai_wgangp.all import *
from fastai_wgangp.images import image_gan_dls
from fastai_wgangp.models import image_nets

def make_folder(n, root):
    "`n` RGB PNGs of mixed sizes (96×80 to 160×128) with smooth random content, in 4 subfolders."
    rng = np.random.default_rng(0)
    for i in range(n):
        h,w = int(rng.integers(80, 129)),int(rng.integers(96, 161))
        base = rng.random((6, 6, 3))
        a = np.asarray(Image.fromarray((base*255).astype(np.uint8)).resize((w, h), Image.BILINEAR))
        d = root/str(i%4); d.mkdir(parents=True, exist_ok=True)
        Image.fromarray(a).save(d/f'{i:05d}.png')
    return root

def ours(root, workers, bs, size):
    dls = image_gan_dls(root, size=size, bs=bs, num_workers=workers, device='cpu', seed=0, verify=False)
    t = time.perf_counter(); n = sum(len(x) for _,x in dls.train); return n/(time.perf_counter()-t)

def plain(root, workers, bs, size):
    import torchvision.transforms as T
    from torchvision.datasets import ImageFolder
    tf = T.Compose([T.Resize(size), T.RandomCrop(size), T.ToTensor(), T.Normalize([.5]*3, [.5]*3)])
    dl = torch.utils.data.DataLoader(ImageFolder(str(root), tf), batch_size=bs, shuffle=True, drop_last=True, num_workers=workers)
    t = time.perf_counter(); n = 0
    for x,_ in dl: z = torch.randn(len(x), 100); n += len(x)
    return n/(time.perf_counter()-t)

def step_time(root, updates, fp16, device):
    "ms per generator update (5 critic steps and 1 generator step) and peak memory."
    bs = 64
    dls = image_gan_dls(root, size=64, bs=bs, device=device, seed=0, verify=False)
    learn = GANLearner.wgan_gp(dls, *image_nets(64, 3))
    if fp16: learn = learn.to_fp16()
    with learn.no_bar(), learn.no_logging(): learn.fit(1)       # warm-up
    if device=='cuda': torch.cuda.reset_peak_memory_stats()
    with learn.no_bar(), learn.no_logging():
        t = time.perf_counter(); learn.fit(updates*6//len(dls.train) or 1)
        dt = time.perf_counter()-t
    steps = len(dls.train)*(updates*6//len(dls.train) or 1)
    mem = torch.cuda.max_memory_allocated()/2**20 if device=='cuda' else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
    return dt/steps*6*1000, mem

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--images', type=int, default=1024); p.add_argument('--updates', type=int, default=12)
    p.add_argument('--runs', type=int, default=3); p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    root = make_folder(a.images, Path(tempfile.mkdtemp())/'imgs')
    rows,res = [],{}
    for workers in (0, 2):
        for name,f in (('image_gan_dls', ours), ('torchvision ImageFolder', plain)):
            v = statistics.median(f(root, workers, 64, 64) for _ in range(a.runs))
            res[f'{name} {workers}'] = round(v, 1); rows.append([name, workers, f'{v:,.0f}'])
    devs = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    step_rows = []
    for dev in devs:
        for fp16 in ((False, True) if dev=='cuda' else (False,)):
            ms,mem = step_time(root, a.updates, fp16, dev)
            res[f'step {dev}{" fp16" if fp16 else ""}'] = round(ms, 1)
            step_rows.append([dev + (' to_fp16' if fp16 else ' fp32'), f'{ms:,.0f}', f'{mem:,.0f}'])
    print(json.dumps(res))
    if a.no_record: return
    from results import record
    record('Your own images: loading throughput', f"{a.images} RGB PNGs of 96–160 × 80–128 pixels, resized and cropped to 64×64, batch 64, "
           f"one epoch, median of {a.runs}", ['loader', 'workers', 'images/s'], rows)
    record('Your own images: training at 64×64', f"`GANLearner.wgan_gp` on `image_nets(64, 3)` (generator 3.58M, critic 2.77M parameters), "
           "batch 64, 5 critic steps per generator update, after a warm-up epoch", ['device', 'ms per generator update', 'peak MiB (RSS on CPU, allocated on CUDA)'], step_rows)

if __name__=='__main__': main()
