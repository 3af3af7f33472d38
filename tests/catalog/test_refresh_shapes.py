"""What the refreshers make of the APIs' shapes and prices (issue 20): GPUs as card + memory, local SSD
priced from its SKUs, constrained Azure sizes' licences on their licensed vCPUs."""

from __future__ import annotations

import pytest

from components.catalog.refresh import aws, gcp
from components.catalog.refresh.azure import part_prices


def test_aws_shapes_take_the_gpu_memory_from_gpu_info():
    described = {
        "InstanceType": "p4de.24xlarge",
        "ProcessorInfo": {"SupportedArchitectures": ["x86_64"]},
        "VCpuInfo": {"DefaultVCpus": 96},
        "MemoryInfo": {"SizeInMiB": 1179648},
        "GpuInfo": {"Gpus": [{"Name": "A100", "Count": 8, "MemoryInfo": {"SizeInMiB": 81920}}]},
        "SupportedUsageClasses": ["on-demand", "spot"],
    }
    shape = aws.shape_of(described)
    assert (shape["gpu_name"], shape["gpu_count"], shape["facts"]["gpu_memory_gb"]) == ("A100", 8, 80)


def sku(description, price, unit="GiBy.mo", family="Storage", usage="OnDemand", regions=("us-central1",)):
    return {
        "description": description,
        "category": {"resourceFamily": family, "usageType": usage},
        "serviceRegions": list(regions),
        "pricingInfo": [{"pricingExpression": {"usageUnit": unit, "tieredRates": [{"unitPrice": {"units": "0", "nanos": int(price * 1e9)}}]}}],
    }  # fmt: skip


def test_gcp_prices_bundled_local_ssd_from_its_skus():
    skus = [
        sku("C3 Instance Core running in Americas", 0.03465, "h", "Compute"),
        sku("C3 Instance Ram running in Americas", 0.003938, "GiBy.h", "Compute"),
        sku("SSD backed Local Storage", 0.08),
        sku("SSD backed Local Storage attached to Spot Preemptible VMs", 0.0428, usage="Preemptible"),
        sku("C4A Instance Local SSD running in Americas", 0.12, family="Compute"),
        sku("C4A Arm Instance Core running in Americas", 0.03085, "h", "Compute"),
        sku("C4A Arm Instance Ram running in Americas", 0.003517, "GiBy.h", "Compute"),
    ]
    table = gcp.price_table(skus)
    assert table[("localssd", "", False)]["us-central1"] == pytest.approx(0.08 / 730)
    assert table[("localssd", "", True)]["us-central1"] == pytest.approx(0.0428 / 730)
    assert table[("localssd", "c4a", False)]["us-central1"] == pytest.approx(0.12 / 730)
    plain = {"instance_type": "c3-standard-4", "vcpus": 4, "memory_gib": 16}
    lssd = {**plain, "instance_type": "c3-standard-4-lssd", "facts": {"local_ssd_gib": 375}}
    base = gcp.machine_price(plain, "us-central1", table, spot=False)
    assert gcp.machine_price(lssd, "us-central1", table, spot=False) == pytest.approx(base + 375 * 0.08 / 730, abs=1e-6)
    c4a = {"instance_type": "c4a-standard-4-lssd", "vcpus": 4, "memory_gib": 16, "facts": {"local_ssd_gib": 375}}
    assert gcp.machine_price(c4a, "us-central1", table, spot=False) == pytest.approx(
        4 * 0.03085 + 16 * 0.003517 + 375 * 0.12 / 730, abs=1e-6
    )
    assert gcp.machine_price(c4a, "us-central1", table, spot=True) is None  # no spot local SSD SKU: no price


def test_gcp_machine_types_become_card_memory_and_local_ssd():
    shape = gcp.shape_of_machine_type(
        {
            "name": "a2-ultragpu-1g",
            "guestCpus": 12,
            "memoryMb": 174080,
            "accelerators": [{"guestAcceleratorType": "nvidia-a100-80gb", "guestAcceleratorCount": 1}],
            "bundledLocalSsds": {"defaultInterface": "NVME", "partitionCount": 1},
        }
    )
    assert (shape["gpu_name"], shape["facts"]) == ("A100", {"local_ssd_gib": 375, "gpu_memory_gb": 80})
    assert gcp.gpu_sku_key(shape) == "A100-80GB"
    mega = {"instance_type": "a3-megagpu-8g", "gpu_name": "H100", "facts": {"gpu_memory_gb": 80}}
    assert gcp.gpu_sku_key(mega) == "H100-MEGA"


def test_azure_licences_of_constrained_sizes_are_read_on_their_licensed_vcpus():
    shapes = {
        "Standard_E8-2as_v5": {"vcpus": 2, "facts": {"licensed_vcpus": 8}},
        "Standard_E8as_v5": {"vcpus": 8},
    }
    prices = {
        "Standard_E8-2as_v5": {"on_demand": 0.452, "windows": 0.82},
        "Standard_E8as_v5": {"on_demand": 0.452, "windows": 0.82},
    }
    parts = part_prices(prices, shapes, [], [])
    assert parts == {"licence:windows": 0.046}  # both are 8 x $0.046: no size needs a price of its own
