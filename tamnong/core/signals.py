"""Signals between domain apps, so that each app can land without the others.

`figures_changed(source, division, year)`: a record that feeds another programme's figures
changed (a poverty review record, an OCOP certificate). NTM listens to refresh derived indicators.

`divisions_changed()`: the map was loaded or changed (paths refreshed). Poverty listens to give a
new province its partitions and re-home households whose commune moved province.
"""

from django.dispatch import Signal

figures_changed = Signal()
divisions_changed = Signal()
