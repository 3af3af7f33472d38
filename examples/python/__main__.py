"""Three web VMs behind one shared AWS network, and their database on GCP."""

import pulumi

from components import Network, VirtualMachine

config = pulumi.Config()
ssh_key = config.require("sshPublicKey")
# Where SSH may come from (a bastion or office range); unset, port 22 stays closed.
ssh_from = config.get("sshFrom")
tags = {"team": "shop", "owner": "platform"}
admin = [{"port": 22, "sources": [ssh_from]}] if ssh_from else []

network = Network("shop", {"cloud": "aws", "tags": tags})
web = [
    VirtualMachine(
        f"web-{i}",
        {
            "cloud": "aws",
            "cpus": 2,
            "memory_gib": 4,
            "ssh_public_key": ssh_key,
            "ingress": [{"port": 443, "sources": ["0.0.0.0/0"]}, *admin],
            "network": network,
            "tags": tags,
        },
    )
    for i in range(1, config.get_int("webCount", 3) + 1)
]
db = VirtualMachine(
    "db",
    {
        "cloud": "gcp",
        "cpus": 4,
        "memory_gib": 16,
        "data_disks": [{"size_gib": 200, "disk_type": "ssd"}],
        "ssh_public_key": ssh_key,
        "ingress": [{"port": 5432, "sources": ["10.42.0.0/16"]}, *admin],
        "tags": tags,
    },
)

pulumi.export("web", [vm.private_ip for vm in web])
pulumi.export("db", db.private_ip)
