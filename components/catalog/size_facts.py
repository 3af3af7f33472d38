"""Per-size facts a cloud enforces, for the catalog build: what each instance type supports.

Stored with the type in the snapshot (the 7th element of a type row) under these keys, each only
where known:

- ``spot`` (bool): the size can run as spot / Spot VM.
- ``max_data_disks`` (int): data disks the size can attach.
- ``boot_modes`` (AWS, list): ``legacy-bios`` / ``uefi``.
- ``generations`` (Azure, list): Hyper-V generations ``V1`` / ``V2`` the size boots.
- ``premium_io`` (Azure, bool): the size takes Premium SSD.

Sources:

- AWS: EC2 ``DescribeInstanceTypes`` (``SupportedUsageClasses``, ``SupportedBootModes``,
  ``EbsInfo.MaximumEbsAttachments``, which counts the root volume), as bundled by moto
  (``moto/ec2/resources/instance_types.json.gz``) and vendored in ``sources/aws_moto.json.gz``;
  ``catalog refresh aws`` reads the same fields live.
- Azure: ``sources/azure_sizes.csv.gz``: the Resource SKUs API's ``HyperVGenerations`` (via the
  SkyPilot-format catalog of 2026-05-20, the shipped prices' source), ``MaxDataDiskCount`` and
  ``PremiumIO`` from the Microsoft Learn size pages, and Spot support from Spot meters and the Learn
  Spot page, which excludes the B-series and Promo sizes (see ``sources/README.md``).
- GCP: per machine family, in ``components/cloud_rules/gcp.py`` (not stored per size).

The build reads each cloud's with ``size_facts(names)`` of its module ``catalog/builders/<cloud>.py``.

Standard library only.
"""

from __future__ import annotations

FACT_KEYS = ("spot", "max_data_disks", "boot_modes", "generations", "premium_io")


def aws_facts(description: dict) -> dict:
    """Facts from one DescribeInstanceTypes entry."""
    facts: dict = {}
    if "SupportedUsageClasses" in description:
        facts["spot"] = "spot" in description["SupportedUsageClasses"]
    if description.get("SupportedBootModes"):
        facts["boot_modes"] = sorted(description["SupportedBootModes"])
    attachments = description.get("EbsInfo", {}).get("MaximumEbsAttachments")
    if attachments:
        facts["max_data_disks"] = int(attachments) - 1  # the root volume is one of them
    return facts


def azure_fact_names() -> dict[str, tuple[str, str]]:
    """Fact key -> (Resource SKUs capability, kind): how ``catalog refresh azure --subscription``
    reads the same facts from the API."""
    return {
        "generations": ("HyperVGenerations", "list"),
        "max_data_disks": ("MaxDataDiskCount", "int"),
        "spot": ("LowPriorityCapable", "bool"),
        "premium_io": ("PremiumIO", "bool"),
    }
