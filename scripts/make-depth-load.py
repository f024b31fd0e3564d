#!/usr/bin/env python3
"""Copies the diff depth and REST snapshot lines of one recording into N symbols (S01USDT..), for the depth
recorder's resource measurement (docs/DEPTH.md, "Measured: 50 symbols"). Update ids get a per-symbol offset
(k x 10^13) so that the replay's REST side can tell the symbols' snapshots apart. Writes a new .ndjson.gz; the
output is 50 copies of shared data: keep it out of the repository.

  python3 scripts/make-depth-load.py ../shared/data/binance/spot_btcusdt_..._20240808T2354Z.ndjson.gz /tmp/spot50.ndjson.gz 50
"""
import gzip
import json
import sys

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
syms = ["S%02dUSDT" % (k + 1) for k in range(n)]
with gzip.open(src, 'rt') as f, gzip.open(dst, 'wt', compresslevel=1) as out:
    for line in f:
        ts, _, js = line.rstrip('\n').partition(' ')
        d = json.loads(js)
        if 'stream' in d:
            if '@depth' not in d['stream']:
                continue
            for k, s in enumerate(syms):
                off = (k + 1) * 10**13
                data = dict(d['data'])
                data['s'] = s
                for key in ('U', 'u', 'pu'):
                    if key in data:
                        data[key] = data[key] + off
                stream = s.lower() + d['stream'][d['stream'].index('@'):]
                out.write(ts + ' ' + json.dumps({'stream': stream, 'data': data}, separators=(',', ':')) + '\n')
        else:
            for k, s in enumerate(syms):
                snap = dict(d)
                snap['lastUpdateId'] = snap['lastUpdateId'] + (k + 1) * 10**13
                out.write(ts + ' ' + json.dumps(snap, separators=(',', ':')) + '\n')
