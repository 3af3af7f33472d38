"""Catalog facts that mean what users think (issue 20): constrained-vCPU sizes by active vCPUs, one GPU
name per card with its memory on every cloud, local-SSD sizes priced with their disks, GCP C4A seeded,
and a build that reproduces the shipped snapshots from the repository's own files."""

from __future__ import annotations

import gzip
import json

import pytest

from components import pricing
from components.catalog import find_cheapest, gpus, load
from components.catalog.normalise import constrained_vcpus, normalise_shape
from components.spec import validate
from tests.support.common import ROOT

# --- constrained-vCPU Azure sizes ------------------------------------------------------------


def test_constrained_vcpu_sizes_count_their_active_vcpus():
    azure = load("azure")
    e8_2 = azure.get("Standard_E8-2as_v5", "eastus")
    assert (e8_2.vcpus, e8_2.licensed_vcpus, e8_2.memory_gib) == (2, 8, 64)
    e4_2 = azure.get("Standard_E4-2as_v5", "eastus")
    assert (e4_2.vcpus, e4_2.licensed_vcpus) == (2, 4)
    # DS v2 and GS size numbers are not vCPU counts: DS11-1_v2 runs 1 of DS11_v2's 2
    assert constrained_vcpus("azure", "Standard_DS11-1_v2", 2) == (1, 2)
    assert constrained_vcpus("azure", "Standard_F64-16ams_v7", 80) == (16, 64)  # the name wins over the source
    assert constrained_vcpus("aws", "Standard_E8-2as_v5", 8) is None
    assert constrained_vcpus("azure", "Standard_E8as_v5", 8) is None


def test_an_8_vcpu_search_never_finds_a_constrained_size():
    for region in ("eastus", "westeurope"):
        for o in find_cheapest("azure", region, cpus=8, memory_gib=64, burstable=False, limit=50):
            assert o.vcpus >= 8 and "-" not in o.instance_type.removeprefix("Standard_"), o.instance_type
    spec = validate("vm", {"cloud": "azure", "region": "eastus", "cpus": 8, "memory_gib": 64, "burstable": False,
                           "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD a@b"})  # fmt: skip
    assert spec.offering.vcpus >= 8 and "-" not in spec.instance_type.removeprefix("Standard_")


def test_a_constrained_sizes_windows_licence_is_billed_on_its_licensed_vcpus():
    licence = pricing.vm_cost("azure", "westeurope", "Standard_E8-2as_v5", os_type="windows").part("Windows licence")
    assert licence.detail == "8 vCPU x $0.046/h" and licence.hourly == pytest.approx(0.368)


# --- GPUs: card + memory, the same on every cloud -------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("A100", ("A100", None)),
        ("a100", ("A100", None)),
        ("A100-80GB", ("A100", 80)),
        ("a100 80gb", ("A100", 80)),
        ("A100-80G", ("A100", 80)),
        ("V100-32GB", ("V100", 32)),
        ("H100-MEGA", ("H100", 80)),
        ("L4", ("L4", None)),
        ("X9000", ("X9000", None)),
    ],
)
def test_gpu_names_parse_to_card_and_memory(text, expected):
    assert gpus.parse(text) == expected


def test_gpu_labels_show_memory_only_where_a_card_has_several():
    assert gpus.label("A100", 80) == "A100-80GB" and gpus.label("V100", 16) == "V100-16GB"
    assert gpus.label("L4", 24) == "L4" and gpus.label(None, None) is None
    assert gpus.memory_from_mib("A10G", 22888) == 24 and gpus.memory_from_mib("A100", 81920) == 80


def cards(cloud: str, gpu: str, region: str) -> set[str]:
    return {o.instance_type for o in find_cheapest(cloud, region, gpu_name=gpu, gpu_count=1, limit=100)}


def test_a100_means_every_a100_and_a100_80gb_only_the_80_gb_card_on_every_cloud():
    assert cards("aws", "A100", "us-east-1") == {"p4d.24xlarge", "p4de.24xlarge"}
    assert cards("aws", "A100-80GB", "us-east-1") == {"p4de.24xlarge"}  # AWS labels both plain A100
    assert cards("aws", "A100-40GB", "us-east-1") == {"p4d.24xlarge"}
    azure_all, azure_80 = cards("azure", "A100", "eastus"), cards("azure", "A100-80GB", "eastus")
    assert "Standard_NC24ads_A100_v4" in azure_all and "Standard_ND96asr_v4" in azure_all
    assert "Standard_NC24ads_A100_v4" in azure_80 and "Standard_ND96asr_v4" not in azure_80  # ND A100 v4: 40 GB
    assert cards("gcp", "A100-80GB", "us-central1") == {f"a2-ultragpu-{n}g" for n in (1, 2, 4, 8)}
    assert {"a2-highgpu-1g", "a2-ultragpu-1g"} <= cards("gcp", "A100", "us-central1")


def test_v100_16_and_32_gb_and_h100_80_and_94_gb_are_told_apart():
    assert cards("aws", "V100-32GB", "us-east-1") == {"p3dn.24xlarge"}
    assert "p3.2xlarge" in cards("aws", "V100-16GB", "us-gov-west-1")  # the only region whose zones still offer p3
    assert "p3.2xlarge" in cards("aws", "V100", "us-gov-west-1")
    assert cards("azure", "V100-32GB", "eastus") == {"Standard_ND40rs_v2"}
    h100_nvl = cards("azure", "H100-94GB", "eastus")
    assert "Standard_NC40ads_H100_v5" in h100_nvl and "Standard_ND96isr_H100_v5" not in h100_nvl
    assert cards("gcp", "H100-80GB", "us-central1") >= {"a3-highgpu-1g", "a3-megagpu-8g"}  # MEGA is the 80 GB card


def test_every_gpu_size_has_its_card_memory():
    for cloud in ("aws", "azure", "gcp"):
        for card, memory in load(cloud).gpu_cards:
            assert card in gpus.CARD_MEMORY_GB and memory in gpus.CARD_MEMORY_GB[card], (cloud, card, memory)


def test_normalising_a_shape_twice_changes_nothing():
    shape = {"instance_type": "Standard_E8-2as_v5", "vcpus": 8, "gpu_name": None, "facts": {"spot": True}}
    once = normalise_shape("azure", shape)
    assert once["vcpus"] == 2 and once["facts"] == {"spot": True, "licensed_vcpus": 8}
    assert normalise_shape("azure", once) == once
    gpu = normalise_shape("gcp", {"instance_type": "a2-ultragpu-1g", "vcpus": 12, "gpu_name": "A100-80GB"})
    assert (gpu["gpu_name"], gpu["facts"]) == ("A100", {"gpu_memory_gb": 80})


# --- local SSD and GCP seeds -----------------------------------------------------------------


def test_local_ssd_sizes_are_priced_with_their_bundled_disks():
    """catalog-source priced c3-standard-4-lssd as c3-standard-4; one 375 GiB local SSD is
    $0.08/GiB-month in us-central1 ($0.0411/h), the Billing Catalog's price of the size includes it."""
    gcp = load("gcp")
    lssd, plain = gcp.get("c3-standard-4-lssd", "us-central1"), gcp.get("c3-standard-4", "us-central1")
    assert lssd.facts["local_ssd_gib"] == 375
    assert lssd.price_hourly - plain.price_hourly == pytest.approx(375 * 0.08 / 730, abs=1e-5)
    for region in gcp.regions:
        for o in gcp.offerings(region).values():
            base = gcp.get(o.instance_type.removesuffix("-lssd"), region)
            if o.instance_type.endswith("-lssd") and base and o.has_price:
                assert o.price_hourly > base.price_hourly, (region, o.instance_type)
    # Where no source prices the local SSD (C4 in asia-southeast3), the size has no price rather than one without disks.
    assert not gcp.get("c4-standard-4-lssd", "asia-southeast3").has_price


def test_gcp_c4a_is_seeded_from_cited_list_prices():
    gcp = load("gcp")
    c4a = gcp.get("c4a-standard-4", "europe-west1")
    assert (c4a.arch, c4a.vcpus, c4a.memory_gib, c4a.price_hourly) == ("arm64", 4, 16, 0.197758)
    assert c4a.price_date == "2026-07-30" and c4a.zones is None and c4a.facts["zones_unverified"]
    arm = find_cheapest("gcp", "europe-west1", cpus=2, memory_gib=8, arch="arm64", limit=3)
    assert arm and all(o.instance_type.startswith("c4a-") for o in arm)
    spec = validate(
        "vm",
        {"cloud": "gcp", "region": "europe-west1", "arch": "arm64", "ssh_public_key": KEY, "project": "demo-project"},
    )
    assert spec.instance_type.startswith("c4a-") and spec.zone == "europe-west1-b"  # the region's first zone
    from components.cloud_rules.gcp import sent_disk_type

    assert sent_disk_type(spec.disk_type, spec.instance_type) == "hyperdisk-balanced"  # C4A takes no PD
    # Where t2a (zones known) fits too, the size search keeps it.
    assert validate("vm", {"cloud": "gcp", "region": "us-central1", "arch": "arm64", "ssh_public_key": KEY, "project": "demo-project"}).instance_type.startswith("t2a-")  # fmt: skip


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com"


def test_seed_gcp_regenerates_the_seed_file(tmp_path, capsys):
    from components.catalog import seeds
    from components.tools import catalog as cli

    pricing_yml = tmp_path / "pricing.yml"
    pricing_yml.write_text(
        "compute:\n  instance:\n"
        "    c4a-standard-4:\n      cpu: 4\n      ram: 16\n      cost:\n"
        "        europe-west1: {hour: 0.197758, hour_spot: 0.071008}\n        mars-north1: {hour: 0.1}\n"
        "    c3-standard-4-lssd:\n      cpu: 4\n      ram: 16\n      local-ssd: 375\n      cost:\n"
        "        us-central1: {hour: 0.24270389, hour_spot: 0.0713863}\n"
        "    n2-standard-2:\n      cpu: 2\n      ram: 8\n      cost:\n        us-central1: {hour: 0.097118}\n"
    )
    regions = tmp_path / "machinetyperegion.csv"
    regions.write_text("NAME;CPUS;SHARED_CPU;MEMORY_GB;DEPRECATED;ZONE\nc4a-standard-4;4;False;16.00;;europe-west1\n")
    out = tmp_path / "seeded.json.gz"
    args = ["seed-gcp", "--pricing", str(pricing_yml), "--machine-types", str(regions), "--date", "2026-07-30"]
    assert cli.main([*args, "--origin", "test", "--output", str(out)]) == 0
    seed = seeds.read(out)
    assert set(seed["types"]) == {"c4a-standard-4", "c3-standard-4-lssd"}  # n2 is neither added nor replaced
    assert seed["types"]["c4a-standard-4"]["prices"] == {"europe-west1": [0.197758, 0.071008]}  # not mars-north1
    assert (
        seed["types"]["c4a-standard-4"]["arch"] == "arm64" and seed["types"]["c3-standard-4-lssd"]["use"] == "replace"
    )
    assert "2 machine types" in capsys.readouterr().out
    assert cli.main(["seed-gcp", "--pricing", str(tmp_path / "nope.yml"), "--machine-types", str(regions),
                     "--date", "2026-07-30", "--origin", "x"]) == 2  # fmt: skip
    capsys.readouterr()
    bad = tmp_path / "bad.yml"
    bad.write_text("compute:\n  a: b: c\n")  # a YAML error spans lines; the tool prints one
    assert cli.main(["seed-gcp", "--pricing", str(bad), "--machine-types", str(regions),
                     "--date", "2026-07-30", "--origin", "x", "--output", str(tmp_path / "bad.json.gz")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("catalog seed-gcp: cannot read the inputs (ScannerError") and err.count("\n") == 1
    assert not (tmp_path / "bad.json.gz").exists()


# --- the build reproduces the shipped snapshots from the repository's files ------------------


def test_the_vendored_moto_data_is_what_its_moto_version_bundles():
    """sources/aws_moto.json.gz is regenerated by catalog vendor-aws; with the moto it records
    installed, regenerating gives the same bytes (another moto version may differ: that is why the
    build reads the vendored copy)."""
    moto = pytest.importorskip("moto")
    from components.catalog import vendored

    recorded = vendored.read()
    if recorded["moto"] != moto.__version__:
        pytest.skip(f"the vendored data is of moto {recorded['moto']}, moto {moto.__version__} is installed")
    regions = sorted(json.loads((vendored.VENDORED.parent / "aws_zones.json").read_text())["regions"])
    assert vendored.encode(vendored.collect(regions)) == vendored.VENDORED.read_bytes()


def test_the_build_reads_aws_facts_from_the_vendored_file_not_moto(monkeypatch):
    import sys

    from components.catalog.zones import aws_zone_data

    monkeypatch.setitem(sys.modules, "moto", None)  # importing moto now fails
    zones = aws_zone_data(["me-central-1", "us-east-1"])
    assert zones.region_zones["us-east-1"] and zones.type_zones[("us-east-1", "m5.large")]
    with gzip.open(ROOT / "components" / "catalog" / "sources" / "aws_moto.json.gz", "rt") as f:
        assert json.load(f)["moto"]
