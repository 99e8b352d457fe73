#!/bin/bash
# before = 628e3cd ($BEFORE), after = main after the second session of merges ($AFTER); quiet machine, 2026-12-04 ~20:20 UTC
PY=/work/main/.venv/bin/python
OUT=${OUT:-/tmp/b10}
SUM="--engine sqlite --small 1000 --large 4000 --products 300 --runs 10"
POV="--engine postgres --households 5000 --repeat 3"
LOAD="--households 2000 --users 20 --seconds 30 --workers 2 --threads 4"
run() { # label side bench cmd...
  label=$1; side=$2; bench=$3; shift 3
  if [ $side = before ]; then dir=${BEFORE:-/work/wt/b10-before}; port=8106; else dir=${AFTER:-/work/wt/bench}; port=8105; fi
  t0=$(date +%s)
  line=$(cd $dir && env PYTHONPATH=$dir TAMNONG_VAR_DIR=/tmp/b10-var-$side DEBUG=0 \
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/tn_b10_${bench}_$side \
      timeout 1500 "$@" 2>>$OUT/$bench-$side.err | tail -1)
  echo "$(date -u +%H:%M:%S) $label $side $bench $(( $(date +%s)-t0 ))s $line" | tee -a $OUT/results5.txt
}
port_of() { [ $1 = before ] && echo 8106 || echo 8105; }
case $1 in
  build)  # one side: its databases, built (the figures of this run are not compared)
    side=$2
    run build $side sum $PY bench/summary_report.py $SUM
    ;;
  buildload)
    side=$2
    run build $side load $PY bench/load.py $LOAD --port $(port_of $side)
    ;;
  measure)
    for r in $(seq 1 ${ROUNDS:-3}); do
      if [ $r = 2 ]; then order="after before"; else order="before after"; fi
      for s in $order; do run r$((r+3)) $s load $PY $OUT/summary_measure.py 10; done
      for s in $order; do run r$((r+3)) $s pov $PY bench/poverty_import.py $POV; done
      for s in $order; do run r$((r+3)) $s load $PY $OUT/load_reuse.py $LOAD --port $(port_of $s) --reuse; done
      for s in $order; do run r$((r+3)) $s load $PY $OUT/search_bench.py 40; done
    done
    echo DONE >> $OUT/results5.txt
    ;;
esac
