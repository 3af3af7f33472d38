// VMs from TypeScript with the multicloud package (the SDK `pulumi package add` generates from the
// plugin's schema): two AWS VMs share one Network, a Windows VM on Azure gets a generated password.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as multicloud from "@pulumi/multicloud";

const config = new pulumi.Config();
const sshPublicKey = config.require("sshPublicKey");

// One VPC with a subnet per zone; each VM joining it lands in a zone that offers its size.
const network = new multicloud.Network("shared", { cloud: "aws", tags: { team: "web" } });

const web = new multicloud.VirtualMachine("web", {
    cloud: "aws",
    cpus: 2,
    memoryGib: 4,
    sshPublicKey,
    publicIp: true,
    ingress: [
        { port: 443, sources: ["0.0.0.0/0"] },
        { port: 22, sources: ["203.0.113.0/24"] },
    ],
    network, // the Network resource itself
});

const worker = new multicloud.VirtualMachine("worker", {
    cloud: "aws",
    cpus: 4,
    memoryGib: 16,
    burstable: false,
    spot: true,
    dataDisks: [{ sizeGib: 100, diskType: "standard" }],
    sshPublicKey,
    // user data may be an output: here it names the web VM's private address
    userData: pulumi.interpolate`#cloud-config
write_files:
  - path: /etc/web-address
    content: ${web.privateIp}
`,
    network,
});

// A generated password is an output too; it stays secret in state.
const password = new random.RandomPassword("win-password", {
    length: 24,
    minLower: 1,
    minUpper: 1,
    minNumeric: 1,
    minSpecial: 1,
});
const win = new multicloud.VirtualMachine("win", {
    cloud: "azure",
    image: "windows-2022",
    adminPassword: password.result,
    ingress: [{ port: 3389, sources: ["203.0.113.0/24"] }],
});

export const webAddress = web.publicIp;
export const ssh = web.sshCommand;
export const workerType = worker.instanceType;
export const subnets = network.subnetIds;
export const hourlyPrice = { web: web.hourlyPrice, worker: worker.hourlyPrice, win: win.hourlyPrice };
