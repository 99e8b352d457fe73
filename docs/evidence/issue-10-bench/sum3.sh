#!/bin/bash
# the summary report alone, before and after the last NTM-section change, interleaved
source <(sed -n '/^PY=/,/^port_of/p' run5.sh)
for r in 7 8 9; do
  if [ $r = 8 ]; then order="after before"; else order="before after"; fi
  for s in $order; do run r$r $s load $PY $OUT/summary_measure.py 10; done
done
