"""Stack files are read as the Pulumi CLI reads them (go-yaml v3), and plan says where a spelling
means something else to a YAML 1.1 reader; GCP projects and Azure resource groups are checked."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from components import SpecError
from components import __main__ as cli
from components.offline import evaluate
from components.spec import CloudDefaults, validate, validate_network
from components.tools.stack_files import PlanError, read_yaml, resolve_plain
from tests.support.common import DEFAULT_CONFIG, ROOT, public_key

KEY = public_key("ed25519")


@pytest.fixture
def stack(tmp_path):
    """Writes Pulumi.dev.yaml (the repository's Pulumi.yaml and program beside it) and plans it."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")

    def plan(text: str, *argv: str, capsys) -> tuple[int, str, str]:
        (tmp_path / "Pulumi.dev.yaml").write_text(text)
        code = cli.main(["plan", "--project-dir", str(tmp_path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return plan


# go-yaml v3's resolve() on unquoted scalars, decoded into interface{} (what Pulumi does first).
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("Off", "Off"),
        ("y", "y"),
        ("~", None),
        ("Null", None),
        ("", None),
        ("022", 18),
        ("-022", -18),
        ("0o22", 18),
        ("0x16", 22),
        ("0b10110", 22),
        ("1_000", 1000),
        ("08", 8.0),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("+7", 7),
        ("1:30", "1:30"),
        ("2025-01-01", "2025-01-01 00:00:00 +0000 UTC"),
        ("2025-1-2T03:04:05Z", "2025-01-02 03:04:05 +0000 UTC"),
        ("10.42.0.0/16", "10.42.0.0/16"),
        ("us-east-1", "us-east-1"),
        ("=", "="),
    ],
)
def test_scalars_resolve_as_go_yaml_v3_resolves_them(text, value):
    assert resolve_plain(text) == value and type(resolve_plain(text)) is type(value)


def test_nan_and_infinity_stay_numbers_for_the_spec_to_refuse():
    assert math.isnan(resolve_plain(".nan")) and resolve_plain("-.Inf") == -math.inf


def test_a_duplicate_key_is_an_error_naming_the_key_and_both_lines(stack, capsys):
    text = (
        "config:\n  multicloud-vm:vms:\n    - name: web\n      cloud: aws\n      region: us-east-1\n      cloud: gcp\n"
    )
    code, out, err = stack(text, capsys=capsys)
    assert code == 2 and out == ""
    assert err == (
        "plan: Pulumi.dev.yaml line 6: multicloud-vm:vms[0].cloud is given twice (first at line 4); "
        "Pulumi refuses duplicate keys: keep one\n"
    )


def test_a_duplicate_key_in_pulumi_yaml_is_an_error_too(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: a\nruntime: python\nname: b\n")
    with pytest.raises(PlanError, match=r"Pulumi.yaml line 3: name is given twice \(first at line 1\)"):
        read_yaml(tmp_path / "Pulumi.yaml")


def test_an_octal_looking_port_is_refused_with_both_readings(stack, capsys):
    text = (
        "config:\n  multicloud-vm:vms:\n    - name: web\n      cloud: aws\n      region: us-east-1\n"
        "      ingress:\n        - {port: 022, sources: [203.0.113.0/24]}\n"
    )
    code, out, err = stack(text, capsys=capsys)
    assert code == 2 and out == ""
    assert err == (
        "plan: Pulumi.dev.yaml line 7: multicloud-vm:vms[0].ingress[0].port: 022 is octal to Pulumi (18), "
        "decimal 22 to YAML 1.2 readers; write 18 or 22 without the leading zero (or quote it as text)\n"
    )


def test_no_as_a_name_is_the_name_no_as_pulumi_reads_it(stack, capsys):
    code, out, err = stack(
        "config:\n  multicloud-vm:vms:\n    - {name: no, cloud: aws, region: us-east-1}\n",
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0, err
    assert [row["name"] for row in json.loads(out)] == ["no"]


def test_yes_where_a_boolean_belongs_gets_a_hint_to_write_true(stack, capsys):
    code, _, err = stack(
        "config:\n  multicloud-vm:vms:\n    - {name: web, cloud: aws, region: us-east-1, spot: yes}\n", capsys=capsys
    )
    assert code == 2 and len(err.splitlines()) == 1
    assert "VM 'web': spot='yes' is invalid: expected true or false" in err
    assert (
        "Pulumi.dev.yaml line 3: multicloud-vm:vms[0].spot: the unquoted yes is the text 'yes' to Pulumi (YAML 1.2), "
        "though YAML 1.1 tools read it as true; write true for a boolean, or quote it as text"
    ) in err


def test_short_config_keys_are_named_in_the_projects_namespace(stack, capsys):
    code, _, err = stack(
        "config:\n  vms:\n    - {name: web, cloud: aws, region: us-east-1, public_ip: on}\n", capsys=capsys
    )
    assert code == 2 and "line 3: multicloud-vm:vms[0].public_ip: the unquoted on is the text 'on'" in err


def test_a_date_reaches_the_program_as_pulumi_sends_it_with_a_warning(stack, capsys):
    text = (
        "config:\n  multicloud-vm:vms:\n    - {name: web, cloud: aws, region: us-east-1, tags: {expires: 2026-01-31}}\n"
    )
    code, _, err = stack(text, "--format", "json", capsys=capsys)
    assert code == 0
    assert (
        "plan: warning: Pulumi.dev.yaml line 3: multicloud-vm:vms[0].tags.expires: the unquoted 2026-01-31 is a "
        "timestamp to Pulumi and reaches the program as '2026-01-31 00:00:00 +0000 UTC'; quote it to keep the text"
    ) in err


def test_anchors_merges_and_numbers_read_as_pulumi_reads_them(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "base: &base {cloud: aws, cpus: 2.0}\nvm: {<<: *base, cpus: 4, name: '022', size: 4.5}\nkeys: {1: a, true: b}\n"
    )
    value, notes = read_yaml(tmp_path / "s.yaml")
    assert value["vm"] == {"cloud": "aws", "cpus": 4, "name": "022", "size": 4.5}
    assert value["base"]["cpus"] == 2 and type(value["base"]["cpus"]) is int  # through JSON, 2.0 is 2
    assert value["keys"] == {"1": "a", "true": "b"}
    assert notes == []


def test_aliases_that_expand_without_end_are_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanError, match="too many values"):
        read_yaml(tmp_path / "bomb.yaml")


def test_stack_config_dir_holds_the_stack_files(tmp_path, capsys):
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.yaml").write_text("name: multicloud-vm\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  multicloud-vm:vms:\n    - {name: web, cloud: aws, region: us-east-1}\n"
    )
    assert cli.main(["plan", "--project-dir", str(tmp_path), "--format", "json"]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["web"]


# --- GCP projects and Azure resource groups --------------------------------------------------------

GCP = {"cloud": "gcp", "region": "us-central1", "ssh_public_key": KEY}
AZURE = {"cloud": "azure", "region": "westeurope", "ssh_public_key": KEY}


@pytest.mark.parametrize(
    "project", ["my-project", "abcdef", "a" + "b" * 28 + "c", "example.com:my-project", "proj-2024-x1"]
)
def test_valid_gcp_project_ids_pass(project):
    assert validate("vm", {**GCP, "project": project}).project == project
    assert validate_network("net", {"cloud": "gcp", "regions": ["us-central1"], "project": project}).project == project


@pytest.mark.parametrize(
    "project", ["My_Project!", "abc", "a" * 31, "1project", "my-project-", "my project", "My-Project", "proj_1"]
)
def test_invalid_gcp_project_ids_are_spec_errors_for_vms_and_networks(project):
    with pytest.raises(SpecError, match=r"project=.* is invalid: expected a GCP project ID: 6-30 lowercase"):
        validate("vm", {**GCP, "project": project})
    with pytest.raises(SpecError, match=r"^Network 'net': project="):
        validate_network("net", {"cloud": "gcp", "regions": ["us-central1"], "project": project})


def test_an_invalid_gcp_project_from_config_says_where_it_came_from():
    with pytest.raises(SpecError, match=r"project='Bad_Id' is invalid: .* \(from gcp:project\)"):
        validate("vm", GCP, CloudDefaults(project="Bad_Id"))


@pytest.mark.parametrize("group", ["rg", "my-rg_1.(prod)", "a" * 90, "grupo-producción", "ресурсы", "rg٣"])
def test_valid_azure_resource_group_names_pass(group):
    assert validate("vm", {**AZURE, "resource_group_name": group}).resource_group_name == group
    assert validate_network("net", {"cloud": "azure", "regions": ["westeurope"], "resource_group_name": group})


@pytest.mark.parametrize("group", ["rg with spaces/and?", "rg.", "a" * 91, "rg#1", "rg:prod", "rg½"])
def test_invalid_azure_resource_group_names_are_spec_errors_for_vms_and_networks(group):
    with pytest.raises(SpecError, match=r"resource_group_name=.* is invalid: expected an Azure resource group name"):
        validate("vm", {**AZURE, "resource_group_name": group})
    with pytest.raises(SpecError, match=r"^Network 'net': resource_group_name="):
        validate_network("net", {"cloud": "azure", "regions": ["westeurope"], "resource_group_name": group})


def test_bad_project_and_resource_group_in_a_stack_fail_the_plan(stack, capsys):
    text = (
        "config:\n  multicloud-vm:vms:\n"
        "    - {name: a, cloud: gcp, region: us-central1, project: My_Project!}\n"
        "    - {name: b, cloud: azure, region: westeurope, ssh_public_key: " + KEY + ", "
        "resource_group_name: 'rg with spaces/and?'}\n"
    )
    code, _, err = stack(text, capsys=capsys)
    assert code == 2
    assert "[0] (a): VM 'a': project='My_Project!' is invalid: expected a GCP project ID" in err
    assert "[1] (b): VM 'b': resource_group_name='rg with spaces/and?' is invalid" in err


def test_a_gcp_vm_with_no_project_anywhere_is_a_clear_error(stack, capsys, monkeypatch):
    for variable in ("GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"):
        monkeypatch.delenv(variable, raising=False)
    text = "config:\n  multicloud-vm:vms:\n    - {name: api, cloud: gcp, region: us-central1}\n"
    code, out, err = stack(text, capsys=capsys)
    assert code == 2 and "net-gcp" not in out + err
    assert "VM 'api': project=None is invalid: GCP needs a project: give project, or set gcp:project" in err
    with pytest.raises(SpecError, match="Network 'shared': project=None is invalid: GCP needs a project"):
        validate_network("shared", {"cloud": "gcp", "regions": ["us-central1"]})


def test_the_providers_environment_project_counts_and_keeps_the_network_it_had(stack, capsys, monkeypatch):
    """With GOOGLE_PROJECT set the provider has a project: such a stack plans as before (its network
    keeps its name, so nothing deployed is renamed), and the variable's value is checked too."""
    monkeypatch.setenv("GOOGLE_PROJECT", "env-project")
    text = "config:\n  multicloud-vm:vms:\n    - {name: api, cloud: gcp, region: us-central1}\n"
    code, out, err = stack(text, "--format", "json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)[0]["network"] == "net-gcp"
    monkeypatch.setenv("GOOGLE_PROJECT", "Not A Project")
    code, _, err = stack(text, capsys=capsys)
    assert code == 2 and "project='Not A Project' is invalid" in err and "(from the environment)" in err


def test_the_component_checks_the_project_it_is_given_under_pulumi():
    with pytest.raises(SpecError, match="project='p' is invalid"):
        evaluate(
            lambda: __import__("components").VirtualMachine("web", {"cloud": "gcp"}),
            config={**DEFAULT_CONFIG, "gcp:project": "p"},
        )


def test_secret_program_settings_stand_in_and_stay_secret(tmp_path, capsys):
    """A hand-written program's own secret (not a VM field) stands in as a placeholder, kept secret."""
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  app:dbPassword:\n    secure: v1:abc\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\npulumi.export('pw', pulumi.Config().require_secret('dbPassword'))\n"
    )
    assert cli.main(["plan", "--project-dir", str(tmp_path)]) == 0
    assert "Total: $0.00/month for 0 VMs" in capsys.readouterr().out


def test_notes_name_the_file_line_and_key(tmp_path):
    path = Path(tmp_path / "s.yaml")
    path.write_text("config:\n  vms:\n    - spot: off\n")
    _, notes = read_yaml(path)
    assert [(n.line, n.path, n.value) for n in notes] == [(3, "config.vms[0].spot", "off")]
