"""Each cloud's part of the snapshot build (components/catalog/builders/<cloud>.py) holds the same names."""

from __future__ import annotations

import pytest

from components.catalog.builders import NAMES, builder
from components.catalog.snapshot import CLOUDS


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_cloud_has_a_build_module_with_every_name(cloud):
    module = builder(cloud)
    assert [name for name in NAMES if not hasattr(module, name)] == []
    digest, date, source = module.KNOWN_SOURCE
    assert len(digest) == 64 and len(date) == 10 and source


def test_only_gcp_corrects_rows_and_prices_attached_cards():
    rows = [{"instance_type": "x", "region": "r", "gpu_name": "", "gpu_count": ""}]
    assert builder("aws").corrected([dict(row) for row in rows], "source") == (rows, "source")
    assert builder("azure").corrected([dict(row) for row in rows], "source") == (rows, "source")
    assert [builder(cloud).ACCELERATORS for cloud in CLOUDS] == [None, None, "gcp_accelerators.csv.gz"]


def test_azure_nvv4_sizes_count_the_fraction_of_a_card_they_get():
    rows = [{"instance_type": "Standard_NV4as_v4", "gpu_name": "MI25", "gpu_count": "1"}]
    assert builder("azure").corrected(rows, "s")[0][0]["gpu_count"] == "0.125"


def test_only_aws_lists_gpus_per_type_and_gcp_has_no_size_facts():
    assert builder("aws").gpu_info()["p4d.24xlarge"]
    assert builder("azure").gpu_info() is None and builder("gcp").gpu_info() is None
    assert builder("gcp").size_facts(["n2-standard-2"]) == {}
    assert builder("azure").size_facts(["Standard_B2als_v2"])["Standard_B2als_v2"]["max_data_disks"] == 4
    assert builder("aws").size_facts(["m7g.large"])["m7g.large"]["boot_modes"] == ["uefi"]
