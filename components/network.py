"""The ``Network`` component: one private network that many ``VirtualMachine``s share.

Without it every VM creates its own network, and clouds cap networks per region or project (AWS:
5 VPCs per region, GCP: 15 networks per project by default), so a stack's network count must not
grow with its VM count. Create one ``Network`` per cloud and region (per project on GCP) and pass it
as ``network`` to each VM; the stack program does this from config.
"""

import pulumi

from .args import NetworkArgs
from .clouds import network_provisioner
from .provider_defaults import cloud_defaults
from .spec.network import NetworkSpec, validate_network

__all__ = ["Network", "NetworkArgs"]

TYPE_TOKEN = "multicloud:index:Network"


class Network(pulumi.ComponentResource):
    """A private network that many ``VirtualMachine``s of one cloud share (pass it as their
    ``network``), so that a stack's network count does not grow with its VM count.

    Validated before anything is created (bad input is an error naming the input). In Python,
    ``resources`` holds the native resources by role (``vpc_us-east-1``, ``subnet_use1-az4``, ...)
    and ``spec`` the validated spec.
    """

    cloud: pulumi.Output[str]
    """``aws``, ``azure`` or ``gcp``."""
    regions: pulumi.Output[list[str]]
    """The regions the network spans."""
    network_ids: pulumi.Output[dict[str, str]]
    """Region -> VPC (AWS), virtual network (Azure) or VPC network (GCP) id."""
    subnet_ids: pulumi.Output[dict[str, str]]
    """AWS: AZ ID -> subnet id; Azure and GCP: region -> subnet id."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        cloud = args.get("cloud") if hasattr(args, "get") else None
        self.spec: NetworkSpec = validate_network(name, args, cloud_defaults(cloud))
        super().__init__(TYPE_TOKEN, name, None, opts)

        self.native = network_provisioner(self.spec.cloud)(self.spec, self)
        self.resources = self.native.resources
        self.cloud = pulumi.Output.from_input(self.spec.cloud)
        self.regions = pulumi.Output.from_input(list(self.spec.regions))
        self.network_ids = (
            pulumi.Output.all(**self.native.network_ids) if self.native.network_ids else pulumi.Output.from_input({})
        )
        self.subnet_ids = (
            pulumi.Output.all(**self.native.subnet_ids) if self.native.subnet_ids else pulumi.Output.from_input({})
        )
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Output]:
        return {
            "cloud": self.cloud,
            "regions": self.regions,
            "network_ids": self.network_ids,
            "subnet_ids": self.subnet_ids,
        }
