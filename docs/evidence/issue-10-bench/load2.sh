#!/bin/bash
# the load bench alone, each simulated user its own visitor (LOAD_VISITORS=distinct), interleaved
source <(sed -n '/^PY=/,/^port_of/p' run5.sh)
export LOAD_VISITORS=distinct
for r in ${RS:-10 11}; do
  if [ $r = ${SWAP:-11} ]; then order="after before"; else order="before after"; fi
  for s in $order; do run r$r $s load $PY $OUT/load_reuse.py $LOAD --port $(port_of $s) --reuse; done
done
