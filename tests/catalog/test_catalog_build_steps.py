"""The named steps of building and refreshing a snapshot document, tested directly (the whole build is
tested in test_catalog.py and the refresh tests)."""

from __future__ import annotations

from components.catalog.refresh.common import _date_sections, _kept_from, _merged_prices, _merged_zones
from components.catalog.snapshot import accelerator_rows, type_and_region_rows, type_entry, zone_sections
from components.catalog.zones import ZoneData

ROW = {"instance_type": "m1", "vcpus": 2, "memory_gib": 4.0, "arch": "x86_64", "region": "r1", "price_hourly": 0.1}


def test_a_type_is_listed_once_and_each_region_row_points_at_it():
    rows = [ROW, {**ROW, "region": "r2", "spot_price_hourly": 0.03, "price_date": "2026-01-02"}]
    types, regions = type_and_region_rows(rows, {"r2": ["a", "b"]})
    assert types == [["m1", 2, 4, "x86_64", None, None]]
    assert regions == {"r1": [[0, 0.1, None, None]], "r2": [[0, 0.1, 0.03, None, "2026-01-02"]]}


def test_a_type_entry_keeps_its_facts_sorted_and_names_its_gpu():
    entry = type_entry({**ROW, "gpu_name": "T4", "gpu_count": 1, "facts": {"b": 1, "a": 2}})
    assert entry == ["m1", 2, 4, "x86_64", "T4", 1, {"a": 2, "b": 1}]
    assert list(entry[-1]) == ["a", "b"]


def test_accelerators_are_grouped_by_region():
    rows = [{"region": "r1", "accelerator_name": "t4", "accelerator_count": 1, "price_hourly": 0.35}]
    assert accelerator_rows(rows) == {"r1": [["t4", 1, 0.35, None]]}


def test_zone_sections_cover_only_regions_with_rows_and_zones():
    sections = zone_sections(
        {"r1": [], "r2": []},
        {"r1": ["a"], "r2": [], "r3": ["x"]},
        {"r1": {"a": "id-a"}, "r3": {"x": "y"}},
        ["r1", "r3"],
    )
    assert sections == {"zones": {"r1": ["a"]}, "zone_names": {"r1": {"a": "id-a"}}, "zones_unverified": ["r1"]}
    assert zone_sections({"r1": []}, {}, {}, ()) == {}


def test_a_partial_refresh_keeps_the_other_regions_with_their_dates():
    old = {"snapshot_date": "2026-01-01", "region_dates": {"r2": "2025-12-01"}, "types": [["m1", 2, 4, "x86_64", None, None]],
           "regions": {"r1": [[0, 0.1, None, None]], "r2": [[0, 0.2, None, None]]}}  # fmt: skip
    dates = {"r1": "2026-02-01"}
    kept, rows, accelerators = _kept_from(old, dates)
    assert kept == ["r2"] and [row["price_hourly"] for row in rows] == [0.2] and accelerators == []
    assert dates == {"r1": "2026-02-01", "r2": "2025-12-01"}


def test_a_part_the_fetch_missed_keeps_its_price_and_is_counted():
    old = {"prices": {"r1": {"disk:a": 1.0, "disk:b": 2.0}, "r2": {"disk:a": 3.0}}}
    assert _merged_prices(old, {"r1": {"disk:a": 1.5}}, ["r1"], partial=False) == (
        {"r1": {"disk:a": 1.5, "disk:b": 2.0}},
        1,
    )
    merged, carried = _merged_prices(old, {"r1": {"disk:a": 1.5}}, ["r1"], partial=True)
    assert merged["r2"] == {"disk:a": 3.0} and carried == 2


def test_kept_regions_keep_their_zones_under_the_fresh_ones():
    old = ZoneData(region_zones={"r1": ["a"], "r2": ["b"]}, zone_names={"r2": {"b": "id"}}, unverified={"r1", "r2"})
    fresh = ZoneData(region_zones={"r1": ["c"]}, zone_names={}, unverified=set())
    merged = _merged_zones(old, fresh, ["r2"])
    assert merged == {
        "region_zones": {"r2": ["b"], "r1": ["c"]},
        "zone_names": {"r2": {"b": "id"}},
        "unverified_zones": {"r2"},
    }


def test_dates_are_written_only_where_regions_differ():
    assert _date_sections(None, {"r1": "d1", "r2": "d1"}, []) == {}
    old = {"spot_dates": {"r2": "d0", "r1": "d0"}}
    assert _date_sections(old, {"r1": "d1", "r2": "d0"}, ["r2"]) == {
        "region_dates": {"r1": "d1", "r2": "d0"},
        "spot_dates": {"r2": "d0"},
    }
