#!/usr/bin/env python3
"""Writes the fixture of CocoMapTest: a generated COCO ground truth, detections on it, and the numbers the COCO
reference implementation (pycocotools' COCOeval) computes for them.

    python3 coco_reference.py /path/to/cocoapi/PythonAPI [out_dir]

Needs python3 and numpy only. pycocotools is loaded from a checkout of github.com/cocodataset/cocoapi (commit
8c9bcc3 was used) without building its C extension: `pycocotools.mask` is replaced by `box_iou` below, a line-for-line
numpy copy of maskApi.c's bbIou (boxes x, y, w, h; for a crowd ground truth the union is the detection's own area),
which is all COCOeval asks of it for iouType 'bbox'. numpy 2 removed np.float, which COCOeval.accumulate still
uses; it is put back as the builtin float (what it always aliased). matplotlib (imported by coco.py for drawing
only) is stubbed.

The generator is seeded, so running it again writes the same files.
"""
import json
import os
import random
import sys
import types

import numpy as np


def box_iou(dt, gt, iscrowd):
    if len(dt) == 0 or len(gt) == 0:
        return []
    d = np.asarray(dt, dtype=np.float64)
    g = np.asarray(gt, dtype=np.float64)
    o = np.zeros((len(d), len(g)))
    for gi in range(len(g)):
        G = g[gi]
        ga = G[2] * G[3]
        crowd = bool(iscrowd[gi])
        for di in range(len(d)):
            D = d[di]
            da = D[2] * D[3]
            w = min(D[2] + D[0], G[2] + G[0]) - max(D[0], G[0])
            if w <= 0:
                continue
            h = min(D[3] + D[1], G[3] + G[1]) - max(D[1], G[1])
            if h <= 0:
                continue
            i = w * h
            u = da if crowd else da + ga - i
            o[di, gi] = i / u
    return o


def load_cocoeval(python_api):
    np.float = float
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.collections", "matplotlib.patches"):
        m = types.ModuleType(name)
        m.PatchCollection = m.Polygon = None
        sys.modules[name] = m
    pkg = types.ModuleType("pycocotools")
    pkg.__path__ = [os.path.join(python_api, "pycocotools")]
    sys.modules["pycocotools"] = pkg
    mask = types.ModuleType("pycocotools.mask")
    mask.iou = box_iou
    sys.modules["pycocotools.mask"] = mask
    pkg.mask = mask
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval


def generate(seed=12):
    rnd = random.Random(seed)
    cats = [{"id": 1, "name": "person"}, {"id": 3, "name": "car"}, {"id": 17, "name": "cat"},
            {"id": 18, "name": "dog"}, {"id": 44, "name": "bottle"}]
    images, anns, dets = [], [], []
    r2 = lambda v: round(v, 2)
    for img_id in range(1, 61):
        w, h = rnd.randint(320, 800), rnd.randint(240, 600)
        images.append({"id": img_id, "file_name": "img%03d.jpg" % img_id, "width": w, "height": h})
        for _ in range(rnd.choice([0, 1, 2, 3, 4, 6])):
            cat = rnd.choice(cats[:4])["id"]  # bottle: detected, never annotated
            bw, bh = rnd.uniform(8, w / 2), rnd.uniform(8, h / 2)
            x, y = rnd.uniform(0, w - bw), rnd.uniform(0, h - bh)
            crowd = 1 if rnd.random() < 0.08 else 0
            if crowd:
                bw, bh = min(w - x, bw * 1.8), min(h - y, bh * 1.8)
            box = [r2(x), r2(y), r2(bw), r2(bh)]
            anns.append({"id": len(anns) + 1, "image_id": img_id, "category_id": cat, "bbox": box,
                         "area": r2(bw * bh * rnd.uniform(0.6, 0.9)), "iscrowd": crowd})
            for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):  # misses, hits and duplicates
                j = rnd.uniform(0, 0.35)
                dx, dy = rnd.uniform(-j, j) * bw, rnd.uniform(-j, j) * bh
                sw, sh = 1 + rnd.uniform(-j, j), 1 + rnd.uniform(-j, j)
                c = cat if rnd.random() < 0.9 else rnd.choice(cats)["id"]
                dets.append({"image_id": img_id, "category_id": c,
                             "bbox": [r2(x + dx), r2(y + dy), r2(bw * sw), r2(bh * sh)],
                             "score": round(rnd.uniform(0.05, 1.0), 2)})  # 2 digits: ties, broken by order
        for _ in range(rnd.choice([0, 0, 1, 2, 5])):  # false positives anywhere
            bw, bh = rnd.uniform(8, w / 3), rnd.uniform(8, h / 3)
            dets.append({"image_id": img_id, "category_id": rnd.choice(cats)["id"],
                         "bbox": [r2(rnd.uniform(0, w - bw)), r2(rnd.uniform(0, h - bh)), r2(bw), r2(bh)],
                         "score": round(rnd.uniform(0.05, 0.7), 2)})
    # One image with more than maxDets=100 detections of one class, where only the best 100 count.
    for k in range(130):
        dets.append({"image_id": 7, "category_id": 1, "bbox": [r2(rnd.uniform(0, 200)), r2(rnd.uniform(0, 150)),
                     r2(rnd.uniform(10, 100)), r2(rnd.uniform(10, 80))], "score": round(rnd.uniform(0.05, 1.0), 2)})
    return {"images": images, "annotations": anns, "categories": cats}, dets


def main():
    python_api = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "coco")
    os.makedirs(out, exist_ok=True)
    gt, dets = generate()
    gt_path, dt_path = os.path.join(out, "ground_truth.json"), os.path.join(out, "detections.json")
    with open(gt_path, "w") as f:
        json.dump(gt, f, separators=(",", ":"))
    with open(dt_path, "w") as f:
        json.dump(dets, f, separators=(",", ":"))
    COCO, COCOeval = load_cocoeval(python_api)
    coco_gt = COCO(gt_path)
    coco_dt = coco_gt.loadRes(dt_path)
    e = COCOeval(coco_gt, coco_dt, "bbox")
    e.evaluate()
    e.accumulate()
    e.summarize()
    prec = e.eval["precision"]  # [T, R, K, A, M]
    per_class = {}
    for k, cat_id in enumerate(e.params.catIds):
        p = prec[:, :, k, 0, 2]
        name = coco_gt.cats[cat_id]["name"]
        per_class[name] = {"ap": float(np.mean(p[p > -1])) if (p > -1).any() else -1.0,
                           "ap50": float(np.mean(p[0][p[0] > -1])) if (p[0] > -1).any() else -1.0}
    ref = {"map": float(e.stats[0]), "map50": float(e.stats[1]), "map75": float(e.stats[2]),
           "recall100": float(e.stats[8]), "per_class": per_class,
           "source": "pycocotools COCOeval (cocodataset/cocoapi 8c9bcc3), iouType bbox, areaRng all, maxDets 100"}
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
