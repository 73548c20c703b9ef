"""A plain PyTorch WGAN-GP / WGAN / hinge + R1 loop, written out by hand: the yardstick the benchmarks compare the package
against. It consumes the same fastai batches as the package and uses fastai's sign convention for the Wasserstein loss
(critic minimises D(real) − D(fake)). Each critic step calls the critic separately on real, fake and the penalty's points."""
import time, torch
from torch import Tensor

def plain_wgan(dl, G, D,
               n_crit=5,          # critic steps per generator step
               weight=10.,        # gradient-penalty weight λ (ignored when clipping)
               clip=None,         # clip the critic's weights to ±clip instead of the penalty
               loss='wgan',       # 'wgan' (with GP, or clipping) or 'hinge-r1' (hinge loss, R1 on the reals weighted by `weight`)
               lr=1e-4, betas=(0., .9),
               lr_end=None,       # decay the learning rate linearly to this over the budget
               budget=None,       # seconds; stop at the first generator step after it
               epochs=1,          # passes over `dl` (when there is no budget)
               on_step=None):     # called with the step's number after each step
    "Train `G` and `D` on the batches of `dl`; return the number of generator steps."
    oG,oD = [torch.optim.Adam(m.parameters(), lr=lr, betas=betas) for m in (G, D)]
    start,i,gen_steps = time.perf_counter(),0,0
    while True:
        for noise,real in dl:
            noise,real = noise.as_subclass(Tensor),real.as_subclass(Tensor)
            if lr_end is not None:
                f = min(1., (time.perf_counter()-start)/budget)
                for o in (oG, oD):
                    for g in o.param_groups: g['lr'] = lr + f*(lr_end-lr)
            if i%(n_crit+1)<n_crit:                          # critic step
                if clip is not None:
                    for p in D.parameters(): p.data.clamp_(-clip, clip)
                with torch.no_grad(): fake = G(noise)
                if loss=='hinge-r1':
                    crit_loss = torch.relu(1-D(real)).mean() + torch.relu(1+D(fake)).mean()
                    xr = real.detach().requires_grad_()                  # R1: a third call, on the reals
                    g, = torch.autograd.grad(D(xr).sum(), xr, create_graph=True)
                    crit_loss = crit_loss + weight*g.flatten(1).pow(2).sum(1).mean()
                else:
                    crit_loss = D(real).mean() - D(fake).mean()
                    if clip is None:
                        a = torch.rand(real.shape[0], *[1]*(real.ndim-1), device=real.device)
                        xh = (a*real + (1-a)*fake).requires_grad_()
                        g, = torch.autograd.grad(D(xh).sum(), xh, create_graph=True)
                        crit_loss = crit_loss + weight*((g.flatten(1).norm(dim=1)-1)**2).mean()
                oD.zero_grad(set_to_none=True); crit_loss.backward(); oD.step()
            else:                                            # generator step
                for p in D.parameters(): p.requires_grad_(False)
                gen_loss = D(G(noise)).mean()*(-1 if loss=='hinge-r1' else 1)
                oG.zero_grad(set_to_none=True); gen_loss.backward(); oG.step()
                for p in D.parameters(): p.requires_grad_(True)
                gen_steps += 1
                if budget is not None and time.perf_counter()-start>=budget: return gen_steps
            i += 1
            if on_step is not None: on_step(i)
        epochs -= 1
        if budget is None and epochs<=0: return gen_steps
