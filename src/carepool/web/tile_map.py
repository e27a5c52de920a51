"""A tile grid of the HWB areas, coloured by the SPC variation of one metric (drawn by tile_map.html).

The tiles are NOT a published map layout or geography: the grid is derived here from the
region and area order only. Regions go in ONS region-code order (which runs roughly from the
North East to the South West), each as a block under its name; within a region the areas go in
area-code order, ``PER_ROW`` to a row. Each tile links to its area's page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from carepool.reference.model import Area

PER_ROW = 12
TILE = 44            # a tile and its gap
SIZE = 40
LABEL = 26           # the region name's line


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    icon: str          # a VariationIcon value, or 'no_data'
    letter: str        # H or L (as on the variation icons), so colour is not the only cue


@dataclass(frozen=True)
class RegionLabel:
    name: str
    y: int


@dataclass(frozen=True)
class TileMap:
    tiles: list[Tile]
    regions: list[RegionLabel]
    width: int
    height: int


def tile_map(areas: Iterable[Area], icons: Mapping[str, str], no_data: str = "no_data") -> TileMap:
    """Tiles for ``areas`` grouped by region, each coloured by ``icons[area code]``."""
    by_region: dict[tuple[str, str], list[Area]] = {}
    for area in areas:
        by_region.setdefault((area.region_code, area.region_name), []).append(area)
    tiles: list[Tile] = []
    labels: list[RegionLabel] = []
    y = 0
    for (_, region), members in sorted(by_region.items()):
        labels.append(RegionLabel(region, y + 18))
        y += LABEL
        for i, area in enumerate(sorted(members, key=lambda a: a.code)):
            icon = icons.get(area.code, no_data)
            letter = "H" if icon.endswith("_high") else "L" if icon.endswith("_low") else ""
            tiles.append(Tile(area.code, area.name, (i % PER_ROW) * TILE, y + (i // PER_ROW) * TILE, icon, letter))
        y += ((len(members) + PER_ROW - 1) // PER_ROW) * TILE + 6
    return TileMap(tiles, labels, PER_ROW * TILE, max(y, TILE))
