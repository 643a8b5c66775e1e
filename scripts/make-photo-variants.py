#!/usr/bin/python3
"""Variants of a subset of an image-folder dataset, to check that a pipeline pointed at photos
unlike ours neither breaks nor silently degrades (docs/pipeline.md, `data`: what an image folder
may hold).

Usage (Debian's python3 with PIL):
  /usr/bin/python3 scripts/make-photo-variants.py SRC OUT [--positives 100] [--negatives 1000]

SRC holds Positive/ and Negative/ (e.g. ../shared/data/concrete-crack); OUT receives one folder per
variant, each with Positive/ and Negative/ (except `names`, whose class folders are renamed), plus
`variants.txt` describing each. The subset is the first N files of each class in sorted order, so
reruns are identical. Never write OUT inside the repository.
"""
import argparse
import io
import os
import shutil
import sys

from PIL import Image

VARIANTS = {
    'jpeg': 'the subset as it is (baseline JPEG, 227x227 RGB)',
    'png': 'lossless PNG of the same pixels',
    'gray': 'one-component (grayscale) JPEG',
    'progressive': 'progressive JPEG (the scaled decoder hands these to sharp)',
    'cmyk': 'four-component CMYK JPEG (Adobe marker)',
    'exif6': 'pixels rotated 90 degrees clockwise and stored with EXIF orientation 6 (displays upright)',
    'large': 'upscaled to 3000x2000 JPEG (a quarter of the subset)',
    'large-png': 'upscaled to 3000x2000 PNG (a tenth of the subset)',
    'small': 'downscaled to 64x64 JPEG',
    'mixed': 'sizes and aspect ratios mixed in one folder: 227x227, 300x200, 150x400, 1024x768, 64x64, 500x100; JPEG, PNG and WebP',
    'pngkinds': 'PNG kinds: 16-bit RGB, 8-bit gray, gray+alpha, RGBA, palette',
    'upper': 'extensions .JPG, .jpeg, .JPEG and .Jpg',
    'corrupt': 'the subset plus, per class, a truncated JPEG, an empty file, a text file named .jpg and a PNG named .jpg',
    'names': 'class folders named "Pos itive" and "Négatif ✓"',
    'hidden': 'the subset plus .DS_Store, Thumbs.db, desktop.ini and ._NAME.jpg (AppleDouble) in each class folder',
}


def subset(src, cls, n):
    names = sorted(f for f in os.listdir(os.path.join(src, cls)) if f.lower().endswith('.jpg'))
    return [os.path.join(src, cls, f) for f in names[:n]]


def save(im, path, **kw):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    im.save(path, **kw)


def stem(p):
    return os.path.splitext(os.path.basename(p))[0]


def make(variant, files, out_cls, k_cls):
    """Write `files` (one class) into folder `out_cls` as `variant`."""
    os.makedirs(out_cls, exist_ok=True)
    for i, f in enumerate(files):
        s = stem(f)
        if variant in ('jpeg', 'corrupt', 'hidden', 'names'):
            shutil.copyfile(f, os.path.join(out_cls, s + '.jpg'))
            continue
        im = Image.open(f).convert('RGB')
        if variant == 'png':
            save(im, os.path.join(out_cls, s + '.png'))
        elif variant == 'gray':
            save(im.convert('L'), os.path.join(out_cls, s + '.jpg'), quality=92)
        elif variant == 'progressive':
            save(im, os.path.join(out_cls, s + '.jpg'), quality=92, progressive=True)
        elif variant == 'cmyk':
            save(im.convert('CMYK'), os.path.join(out_cls, s + '.jpg'), quality=92)
        elif variant == 'exif6':
            exif = Image.Exif()
            exif[0x0112] = 6
            # Orientation 6: the stored pixels must be turned 90 degrees clockwise to display.
            save(im.transpose(Image.Transpose.ROTATE_90), os.path.join(out_cls, s + '.jpg'), quality=92, exif=exif.tobytes())
        elif variant == 'large':
            if i % 4 == 0:
                save(im.resize((3000, 2000), Image.Resampling.BICUBIC), os.path.join(out_cls, s + '.jpg'), quality=90)
        elif variant == 'large-png':
            if i % 10 == 0:
                save(im.resize((3000, 2000), Image.Resampling.BICUBIC), os.path.join(out_cls, s + '.png'), compress_level=1)
        elif variant == 'small':
            save(im.resize((64, 64), Image.Resampling.LANCZOS), os.path.join(out_cls, s + '.jpg'), quality=92)
        elif variant == 'mixed':
            w, h = [(227, 227), (300, 200), (150, 400), (1024, 768), (64, 64), (500, 100)][i % 6]
            ext, kw = [('.jpg', {'quality': 92}), ('.png', {}), ('.webp', {'quality': 90})][i % 3]
            save(im.resize((w, h), Image.Resampling.BICUBIC), os.path.join(out_cls, s + ext), **kw)
        elif variant == 'pngkinds':
            kind = i % 5
            p = os.path.join(out_cls, s + '.png')
            if kind == 0:
                # 16-bit RGB: PIL cannot write it; fall back to 16-bit gray (mode I;16).
                g = im.convert('L').point(lambda v: v)
                save(g.convert('I').point(lambda v: v * 257).convert('I;16'), p)
            elif kind == 1:
                save(im.convert('L'), p)
            elif kind == 2:
                save(im.convert('LA'), p)
            elif kind == 3:
                im2 = im.convert('RGBA')
                im2.putalpha(200)
                save(im2, p)
            else:
                save(im.convert('P', palette=Image.Palette.ADAPTIVE, colors=256), p)
        elif variant == 'upper':
            ext = ['.JPG', '.jpeg', '.JPEG', '.Jpg'][i % 4]
            shutil.copyfile(f, os.path.join(out_cls, s + ext))
        else:
            raise SystemExit(f'unknown variant {variant}')
    if variant == 'corrupt':
        data = open(files[0], 'rb').read()
        open(os.path.join(out_cls, 'zz-truncated.jpg'), 'wb').write(data[: len(data) // 3])
        open(os.path.join(out_cls, 'zz-empty.jpg'), 'wb').close()
        open(os.path.join(out_cls, 'zz-text.jpg'), 'w').write('not an image\n')
        buf = io.BytesIO()
        Image.open(files[1]).save(buf, format='PNG')
        open(os.path.join(out_cls, 'zz-png-named.jpg'), 'wb').write(buf.getvalue())
    if variant == 'hidden':
        open(os.path.join(out_cls, '.DS_Store'), 'wb').write(b'\x00\x00\x00\x01Bud1' + b'\x00' * 64)
        open(os.path.join(out_cls, 'Thumbs.db'), 'wb').write(b'\xd0\xcf\x11\xe0' + b'\x00' * 64)
        open(os.path.join(out_cls, 'desktop.ini'), 'w').write('[.ShellClassInfo]\n')
        open(os.path.join(out_cls, '._' + stem(files[0]) + '.jpg'), 'wb').write(b'\x00\x05\x16\x07' + b'\x00' * 60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('src')
    ap.add_argument('out')
    ap.add_argument('--positives', type=int, default=100)
    ap.add_argument('--negatives', type=int, default=1000)
    ap.add_argument('--only', nargs='*', default=list(VARIANTS))
    a = ap.parse_args()
    if os.path.abspath(a.out).startswith(os.path.abspath(os.path.dirname(os.path.dirname(__file__))) + os.sep):
        sys.exit('OUT must be outside the repository')
    pos, neg = subset(a.src, 'Positive', a.positives), subset(a.src, 'Negative', a.negatives)
    for v in a.only:
        base = os.path.join(a.out, v)
        shutil.rmtree(base, ignore_errors=True)
        folders = ('Pos itive', 'Négatif ✓') if v == 'names' else ('Positive', 'Negative')
        make(v, pos, os.path.join(base, folders[0]), 0)
        make(v, neg, os.path.join(base, folders[1]), 1)
        print(f'{v}: {VARIANTS[v]}', flush=True)
    with open(os.path.join(a.out, 'variants.txt'), 'w') as fh:
        for v in a.only:
            fh.write(f'{v}\t{VARIANTS[v]}\n')


if __name__ == '__main__':
    main()
