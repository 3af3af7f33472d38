"""The cost diff of two offline plans (``plan --diff BASE.json HEAD.json``) on fixture plans.

tests/fixtures/plans/base.json -> head.json changes every kind at once:
  api        aws t3.medium -> t3.large                   resized   $30.37 -> $60.74
  db         unchanged                                              $83.95
  batch      gcp e2-standard-4                           removed   $97.82
  cache-aws  aws us-east-1 -> cache-gcp gcp us-central1  moved     $15.18 -> $12.26  (renamed)
  worker     aws us-east-1 -> eu-west-1                  moved     $62.05 -> $70.08
  web        image ubuntu-22.04 -> ubuntu-24.04          changed   $70.08
  legacy     unknown price on both sides                 unchanged
  gpu        aws g5.xlarge                               added     $734.38
  edge       gcp t2a-standard-1, unknown price           added
Known totals: base 359.45, head 1031.49, delta +672.04.
Unknown prices: legacy (base); edge and legacy (head).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from components.tools import plandiff
from components.tools.plandiff import (
    MARKER,
    PlanFileError,
    diff_plans,
    main_diff,
    parse_plan,
    render_markdown,
    render_table,
    to_json,
)
from tests.support.common import FIXTURES

PLANS = FIXTURES / "plans"


def load(name: str) -> list[dict]:
    return json.loads((PLANS / name).read_text())


def vm(name: str, cloud: str = "aws", region: str = "us-east-1", price: float | None = 10.0, **kw):
    return {
        "name": name,
        "cloud": cloud,
        "region": region,
        "zone": None,
        "instance_type": kw.pop("instance_type", "t3.small"),
        "image": kw.pop("image", "ubuntu-24.04"),
        "spot": kw.pop("spot", False),
        "hourly_price": None,
        "monthly_price": price,
        "resources": [],
        "vcpus": 2,
        "memory_gib": 2.0,
        "arch": "x86_64",
        **kw,
    }


def run_main(base: Path | str, head: Path | str, fmt: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main_diff(base, head, fmt, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def fixture_diff() -> plandiff.PlanDiff:
    return diff_plans(load("base.json"), load("head.json"))


def kinds_by_name(diff: plandiff.PlanDiff) -> dict[str, str]:
    return {change.name: change.kind for change in diff.changes}


def test_fixture_plans_classify_every_vm(fixture_diff):
    assert kinds_by_name(fixture_diff) == {
        "batch": "removed",
        "edge": "added",
        "gpu": "added",
        "cache-aws -> cache-gcp": "moved",
        "worker": "moved",
        "api": "resized",
        "web": "changed",
        "db": "unchanged",
        "legacy": "unchanged",
    }
    # Listed removed, added, moved, resized, changed, unchanged; by name within a kind.
    assert [c.name for c in fixture_diff.changes] == [
        "batch",
        "edge",
        "gpu",
        "cache-aws -> cache-gcp",
        "worker",
        "api",
        "web",
        "db",
        "legacy",
    ]


def test_fixture_totals_are_exact_and_exclude_unknown_prices(fixture_diff):
    assert fixture_diff.before.known_monthly == 359.45
    assert fixture_diff.after.known_monthly == 1031.49
    assert fixture_diff.monthly_delta == 672.04
    assert fixture_diff.before.unknown_price_vms == ("legacy",)
    assert fixture_diff.after.unknown_price_vms == ("edge", "legacy")


def test_each_change_carries_before_and_after_monthly_price(fixture_diff):
    by_name = {c.name: c for c in fixture_diff.changes}
    prices = {name: (c.monthly_before, c.monthly_after, c.monthly_delta) for name, c in by_name.items()}
    assert prices == {
        "batch": (97.82, None, -97.82),
        "edge": (None, None, None),
        "gpu": (None, 734.38, 734.38),
        "cache-aws -> cache-gcp": (15.18, 12.26, -2.92),
        "worker": (62.05, 70.08, 8.03),
        "api": (30.37, 60.74, 30.37),
        "web": (70.08, 70.08, 0.0),
        "db": (83.95, 83.95, 0.0),
        "legacy": (None, None, None),
    }
    assert by_name["cache-aws -> cache-gcp"].details == (
        "cloud aws -> gcp",
        "region us-east-1 -> us-central1",
        "instance_type t3.small -> e2-small",
    )
    assert by_name["worker"].details == ("region us-east-1 -> eu-west-1",)
    assert by_name["api"].details == ("instance_type t3.medium -> t3.large",)
    assert by_name["web"].details == ("image ubuntu-22.04 -> ubuntu-24.04",)


def test_markdown_comment_matches_the_reviewed_rendering(fixture_diff):
    assert render_markdown(fixture_diff) == (PLANS / "comment.md").read_text()


def test_markdown_starts_with_marker_and_summary(fixture_diff):
    lines = render_markdown(fixture_diff).splitlines()
    assert lines[0] == MARKER == "<!-- multicloud-vm-cost -->"
    assert "**Monthly cost: $359.45 -> $1,031.49 (+$672.04), excluding VMs with an unknown price**" in lines
    assert "> Not in the totals, price unknown: before: legacy; after: edge, legacy." in lines
    table_rows = [line for line in lines if line.startswith("| ") and "---" not in line]
    assert len(table_rows) == 1 + 7  # header and the seven changed VMs; unchanged ones are counted
    assert "VMs: 1 removed, 2 added, 2 moved, 1 resized, 1 changed, 2 unchanged." in lines


def test_no_change_says_so_and_shows_no_table():
    base = load("base.json")
    diff = diff_plans(base, json.loads(json.dumps(base)))
    assert {c.kind for c in diff.changes} == {"unchanged"}
    assert diff.monthly_delta == 0.0
    text = render_markdown(diff)
    assert text.startswith(MARKER + "\n")
    assert "No VM changes (7 VMs unchanged)." in text
    assert "|" not in text
    assert "Monthly cost: $359.45 -> $359.45 (+$0.00), excluding VMs with an unknown price" in text
    assert "No VM changes (7 unchanged)." in render_table(diff)


def test_all_prices_known_summary_has_no_exclusion_note():
    diff = diff_plans([vm("a", price=10.0)], [vm("a", price=10.0), vm("b", price=5.5)])
    text = render_markdown(diff)
    assert "**Monthly cost: $10.00 -> $15.50 (+$5.50)**" in text.splitlines()
    assert "unknown" not in text


def test_cost_decrease_is_signed_negative():
    diff = diff_plans([vm("a", price=100.0), vm("b", price=0.1)], [vm("b", price=0.1)])
    assert diff.monthly_delta == -100.0
    assert "Monthly cost: $100.10 -> $0.10 (-$100.00)" in render_table(diff)


def test_totals_round_to_cents_without_float_noise():
    vms = [vm(f"v{i}", price=0.1) for i in range(3)]
    diff = diff_plans([], vms)
    assert diff.after.known_monthly == 0.3
    assert diff.monthly_delta == 0.3


def test_same_name_cloud_change_is_a_move():
    diff = diff_plans([vm("web", cloud="aws")], [vm("web", cloud="azure", region="eastus")])
    (change,) = diff.changes
    assert change.kind == "moved"
    assert change.details == ("cloud aws -> azure", "region us-east-1 -> eastus")


def test_move_wins_over_resize_and_resize_over_image_change():
    moved = diff_plans([vm("a")], [vm("a", region="eu-west-1", instance_type="t3.large")])
    resized = diff_plans([vm("a")], [vm("a", instance_type="t3.large", image="debian-12")])
    assert moved.changes[0].kind == "moved"
    assert moved.changes[0].details == (
        "region us-east-1 -> eu-west-1",
        "instance_type t3.small -> t3.large",
    )
    assert resized.changes[0].kind == "resized"
    assert resized.changes[0].details == (
        "instance_type t3.small -> t3.large",
        "image ubuntu-24.04 -> debian-12",
    )


def test_spot_zone_and_price_only_changes_are_changed():
    spot = diff_plans([vm("a")], [vm("a", spot=True, price=3.0)]).changes[0]
    zone = diff_plans([vm("a")], [vm("a", zone="us-east-1b")]).changes[0]
    repriced = diff_plans([vm("a", price=10.0)], [vm("a", price=12.0)]).changes[0]
    assert (spot.kind, spot.details) == ("changed", ("spot no -> yes",))
    assert (zone.kind, zone.details) == ("changed", ("zone none -> us-east-1b",))
    assert (repriced.kind, repriced.details) == ("changed", ("price $10.00 -> $12.00",))
    assert repriced.monthly_delta == 2.0


def test_disk_and_public_ip_changes_are_changed():
    before = vm("a", disk_size_gib=30, public_ip=True)
    change = diff_plans([before], [{**before, "disk_size_gib": 100, "public_ip": False}]).changes[0]
    assert (change.kind, change.details) == ("changed", ("disk_size_gib 30 -> 100", "public_ip yes -> no"))


def test_adding_a_cloud_to_a_fan_out_is_an_add_not_a_move():
    base = [vm("web-aws"), vm("web-azure", cloud="azure", region="eastus")]
    head = [*base, vm("web-gcp", cloud="gcp", region="us-central1")]
    assert kinds_by_name(diff_plans(base, head)) == {
        "web-gcp": "added",
        "web-aws": "unchanged",
        "web-azure": "unchanged",
    }


def test_ambiguous_fan_out_change_stays_remove_and_add():
    base = [vm("web-aws"), vm("web-azure", cloud="azure", region="eastus")]
    head = [vm("web-gcp", cloud="gcp", region="us-central1")]
    assert kinds_by_name(diff_plans(base, head)) == {
        "web-aws": "removed",
        "web-azure": "removed",
        "web-gcp": "added",
    }


def test_name_that_merely_ends_like_a_cloud_is_not_paired():
    # "store-aws" is on gcp, so it is not a fan-out member named after its cloud.
    base = [vm("store-aws", cloud="gcp", region="us-central1")]
    head = [vm("store-azure", cloud="azure", region="eastus")]
    assert kinds_by_name(diff_plans(base, head)) == {"store-aws": "removed", "store-azure": "added"}


def test_markdown_cells_cannot_break_the_table_or_inject_html():
    diff = diff_plans([], [vm("x|<!-- multicloud-vm-cost -->\nbad", image="i")])
    row = next(line for line in render_markdown(diff).splitlines() if line.startswith("| x"))
    assert row.startswith("| x\\|&lt;!-- multicloud-vm-cost --> bad | added |")
    assert render_markdown(diff).count(MARKER) == 1


def test_json_output_round_trips_the_totals_and_changes(fixture_diff):
    document = json.loads(to_json(fixture_diff))
    assert document["monthly_before"] == 359.45
    assert document["monthly_after"] == 1031.49
    assert document["monthly_delta"] == 672.04
    assert document["totals_exclude_unknown_prices"] is True
    assert document["unknown_price_after"] == ["edge", "legacy"]
    assert document["counts"] == {
        "removed": 1,
        "added": 2,
        "moved": 2,
        "resized": 1,
        "changed": 1,
        "unchanged": 2,
    }
    assert [c["kind"] for c in document["changes"]].count("unchanged") == 2
    api = next(c for c in document["changes"] if c["name"] == "api")
    assert (api["before"]["instance_type"], api["after"]["instance_type"]) == (
        "t3.medium",
        "t3.large",
    )


@pytest.mark.parametrize(
    ("fmt", "first_line"),
    [
        ("markdown", MARKER),
        (
            "table",
            "Monthly cost: $359.45 -> $1,031.49 (+$672.04), excluding VMs with an unknown price",
        ),
        ("json", "{"),
    ],
)
def test_main_diff_prints_each_format(fmt, first_line):
    code, out, err = run_main(PLANS / "base.json", PLANS / "head.json", fmt)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == first_line


@pytest.mark.parametrize("base_name", ["empty.json", "does-not-exist.json"])
def test_missing_or_empty_base_counts_every_head_vm_as_added(base_name):
    code, out, err = run_main(PLANS / base_name, PLANS / "head.json", "json")
    assert code == 0
    assert "missing, empty or has no VMs: every VM counts as added" in err
    document = json.loads(out)
    assert document["counts"]["added"] == 8
    assert document["monthly_before"] == 0.0
    assert document["monthly_after"] == 1031.49


def test_missing_head_is_an_error():
    code, out, err = run_main(PLANS / "base.json", PLANS / "does-not-exist.json", "markdown")
    assert (code, out) == (2, "")
    assert err == f"plan --diff: {PLANS / 'does-not-exist.json'}: no such file\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON (line 1, column 3"),
        (
            '{"vms": []}',
            "expected a JSON list of VMs as printed by `plan --format json`, got a JSON dict",
        ),
        ("[1]", "item 0: expected a JSON object, got 1"),
        ('[{"name": "a"}]', "item 0 ('a'): cloud must be a non-empty string, got None"),
        (
            json.dumps([vm("a", price="12")]),
            "item 0 ('a'): monthly_price must be a number >= 0 or null, got '12'",
        ),
        (json.dumps([vm("a"), vm("a")]), "item 1: VM name 'a' appears twice"),
    ],
)
def test_malformed_plan_file_is_a_clear_error(tmp_path, content, message):
    bad = tmp_path / "head.json"
    bad.write_text(content)
    code, out, err = run_main(PLANS / "base.json", bad, "markdown")
    assert (code, out) == (2, "")
    assert err.startswith(f"plan --diff: {bad}: ")
    assert message in err


def test_unknown_format_is_an_error():
    code, out, err = run_main(PLANS / "base.json", PLANS / "head.json", "html")
    assert (code, out) == (2, "")
    assert "unknown format 'html'; expected one of markdown, table, json" in err


def test_parse_plan_rejects_boolean_price():
    with pytest.raises(PlanFileError, match="monthly_price must be a number >= 0 or null, got True"):
        parse_plan(json.dumps([vm("a", price=True)]))
