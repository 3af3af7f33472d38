"""The change engine (components/changes): what `pulumi up` does between two runs, per resource and
per VM, against the engine's own rules (step_generator.go) and the providers' facts."""

from __future__ import annotations

import copy
import json

from components.changes import compare, from_registrations, parse_before, plan_steps
from components.changes.state import Resource, from_plan, to_record
from components.changes.values import SIG, Secret, Unknown
from components.cloud_rules.resource_rules import known_types, type_rules
from components.tools.plan import main as plan_main
from tests.support.common import FIXTURES, ROOT, public_key, run_vms

KEY = public_key("ed25519")
VOLUME = "aws:ebs/volume:Volume"
INSTANCE = "aws:ec2/instance:Instance"


def registered(args: dict, name: str = "db") -> list[Resource]:
    evaluation, _ = run_vms({name: args}, preview=True)
    return from_registrations(evaluation.resources)


def only(resources: list[Resource], type_: str) -> Resource:
    (found,) = [r for r in resources if r.type == type_]
    return found


AWS_DB = {"cloud": "aws", "ssh_public_key": KEY, "user_data": "#!/bin/sh\necho 1\n", "data_disks": [{"size_gib": 10}]}


def test_an_aws_volume_whose_zone_comes_from_its_instance_goes_with_the_instance():
    """calculateDependentReplacements: the instance is replaced delete-before-replace, the volume's
    availabilityZone depends on it and is ForceNew, so the volume is replaced too: its data is lost.
    Where the volume's zone does not depend on the instance, the volume is kept."""
    before = registered(AWS_DB)
    after = registered({**AWS_DB, "user_data": "#!/bin/sh\necho 2\n"})
    (change,) = compare(before, after)
    assert change.change == "replace" and change.because == ["user_data"]
    volume = only(before, VOLUME)
    instance = only(before, INSTANCE)
    zone_from_instance = instance.urn in volume.property_dependencies.get("availabilityZone", [])
    steps = plan_steps(before, after)
    assert (steps[volume.urn].op == "replace") == (zone_from_instance and instance.delete_before_replace)
    if steps[volume.urn].op == "replace":
        assert steps[volume.urn].cause == "dependent" and steps[volume.urn].root == instance.urn
        assert volume.name in change.data_lost
    # The same edit with the volume's zone a constant, before and after: the volume is kept.
    for resource in before + after:
        if resource.type == VOLUME:
            resource.inputs["availabilityZone"] = "us-east-1a"
            resource.property_dependencies["availabilityZone"] = []
            resource.dependencies = []
    (kept,) = compare(before, after)
    assert kept.change == "replace" and kept.data_lost == ["OS disk"]
    assert kept.summary() == "db: replace (user_data); OS disk lost; data disks kept"


def test_dependents_already_registered_by_the_new_run_are_not_replaced_with_their_root():
    """impossibleDependents: the walk over the old state skips resources the new program registered
    before the replaced one (they cannot depend on it)."""
    before = registered(AWS_DB)
    after = registered({**AWS_DB, "user_data": "#!/bin/sh\necho 2\n"})
    old_volume, volume, instance = only(before, VOLUME), only(after, VOLUME), only(after, INSTANCE)
    # The deployed state has the volume's zone from the instance (the component before issue 18); the
    # new program gives it a constant; the instance is replaced delete-before-replace.
    old_volume.property_dependencies["availabilityZone"] = [instance.urn]
    old_volume.dependencies = [*old_volume.dependencies, instance.urn]
    old_volume.inputs["availabilityZone"] = volume.inputs["availabilityZone"] = "us-east-1a"
    volume.property_dependencies["availabilityZone"] = []
    volume.dependencies = [u for u in volume.dependencies if u != instance.urn]
    instance.delete_before_replace = True
    before = [*[r for r in before if r is not old_volume], old_volume]  # state order is dependency order
    registered_first = [volume] + [r for r in after if r is not volume]
    assert plan_steps(before, registered_first)[volume.urn].op == "same"
    step = plan_steps(before, [*[r for r in after if r is not volume], volume])[volume.urn]
    assert step.op == "replace" and step.cause == "dependent" and step.root == instance.urn


def test_a_replacement_trigger_replaces_when_it_changes_not_when_it_first_appears():
    before = registered({"cloud": "gcp"})
    after = registered({"cloud": "gcp", "image": "debian-12"})
    vm = "gcp:compute/instance:Instance"
    assert plan_steps(before, after)[only(after, vm).urn].op == "replace"
    first = copy.deepcopy(before)
    only(first, vm).replacement_trigger = None  # deployed before the component set a trigger
    again = registered({"cloud": "gcp"})
    assert plan_steps(first, again)[only(again, vm).urn].op == "same"
    unknown = registered({"cloud": "gcp"})
    only(unknown, vm).replacement_trigger = Unknown()
    step = plan_steps(before, unknown)[only(unknown, vm).urn]
    assert step.op == "replace" and step.cause == "replacement trigger"


def test_ignored_and_replace_on_change_paths_are_applied_as_the_engine_does():
    before = registered({"cloud": "aws", "ssh_public_key": KEY})
    after = copy.deepcopy(before)
    only(after, INSTANCE).inputs["ami"] = "ami-0newer0000000000"  # a newer AMI behind the same alias
    assert {s.op for s in plan_steps(before, after).values()} == {"same"}
    only(after, INSTANCE).ignore_changes = []  # replace_on_image_change
    assert plan_steps(before, after)[only(after, INSTANCE).urn].op == "replace"
    spot = registered({"cloud": "aws", "ssh_public_key": KEY, "spot": True, "instance_type": "m6i.large"})
    bigger = registered({"cloud": "aws", "ssh_public_key": KEY, "spot": True, "instance_type": "m6i.xlarge"})
    step = plan_steps(spot, bigger)[only(bigger, INSTANCE).urn]  # a spot instance cannot be stopped
    assert step.op == "replace" and [c.source for c in step.changes] == ["replace_on_changes (resource option)"]


def test_a_gcp_resize_restarts_only_with_allow_stopping_for_update_else_fails():
    before = registered({"cloud": "gcp", "instance_type": "e2-standard-2"})
    after = registered({"cloud": "gcp", "instance_type": "e2-standard-4"})
    (change,) = compare(before, after)
    assert change.change == "restart" and change.because == ["instance_type"]
    for resources in (before, after):
        only(resources, "gcp:compute/instance:Instance").inputs["allowStoppingForUpdate"] = False
    (stopped,) = compare(before, after)
    assert stopped.change == "update in place"
    assert "needs allow_stopping_for_update" in stopped.notes[0]


def test_a_renamed_vm_keeps_its_resources_through_the_aliases_its_children_inherit():
    """The SDK sends only the component's alias; the engine derives its children's (name prefix
    swapped under the aliased parent). A GCP instance's own name is its VM name: that replaces it."""
    import pulumi

    from components import VirtualMachine
    from components.offline import evaluate
    from tests.support.common import DEFAULT_CONFIG

    spec = {"cloud": "gcp", "data_disks": [{"size_gib": 20}]}
    before = registered(spec, name="web")
    renamed = evaluate(
        lambda: VirtualMachine("front", spec, pulumi.ResourceOptions(aliases=[pulumi.Alias(name="web")])),
        config=DEFAULT_CONFIG,
        preview=True,
    )
    (change,) = compare(before, from_registrations(renamed.resources))
    assert (change.name, change.change, change.because) == ("front", "replace", ["name"])
    assert change.data == {"OS disk": "lost", "front-data-0": "kept"}


def test_a_type_the_rules_do_not_know_is_an_update_of_unknown_effect_never_nothing():
    before = registered({"cloud": "gcp"})
    vm = before[0].urn
    extra = Resource(f"{vm}$acme:index:Thing::t", "acme:index:Thing", True, {"size": 1}, parent=vm)
    after = [*copy.deepcopy(before), Resource(extra.urn, extra.type, True, {"size": 2}, parent=vm)]
    (change,) = compare([*before, extra], after)
    assert change.change == "update in place"
    assert "acme:index:Thing is not in the cloud rules" in change.notes[0]


def test_azure_inline_data_disks_go_with_their_vm_unless_detached():
    before = registered({"cloud": "azure", "ssh_public_key": KEY})
    after = registered({"cloud": "azure", "ssh_public_key": KEY, "zone": "2"})
    inline = {"lun": 0, "name": "inline-0", "createOption": "Empty", "diskSizeGB": 10, "deleteOption": "Delete"}
    for resources in (before, after):
        only(resources, "azure-native:compute:VirtualMachine").inputs["storageProfile"]["dataDisks"] = [dict(inline)]
    (change,) = compare(before, after)
    assert change.change == "replace" and change.data_lost == ["OS disk", "inline-0"]
    only(before, "azure-native:compute:VirtualMachine").inputs["storageProfile"]["dataDisks"][0]["deleteOption"] = (
        "Detach"
    )
    (detached,) = compare(before, after)
    assert detached.data["inline-0"] == "kept" and detached.data_lost == ["OS disk"]


def test_a_plan_file_round_trips_and_compares_secrets_by_salted_digest():
    before = registered(AWS_DB)
    records = [{"name": "db", "registrations": [to_record(r, i) for i, r in enumerate(before)]}]
    text = json.dumps(records)
    assert "echo 1" not in text and "pbkdf2-sha256-10000:" in text
    read = from_plan(json.loads(text), "plan")
    assert isinstance(only(read, INSTANCE).inputs["userData"], Secret)
    (same,) = compare(read, registered(AWS_DB))
    assert same.change == "no change"
    (edited,) = compare(read, registered({**AWS_DB, "user_data": "#!/bin/sh\necho 2\n"}))
    assert edited.change == "replace" and edited.certain


def test_a_digest_made_with_other_rounds_is_not_compared_but_may_have_changed():
    from components.changes.values import changes

    assert changes({"a": Secret("pbkdf2-sha256-99:00")}, {"a": "x"}, "urn") == [(("a",), False)]


def test_an_encrypted_secret_in_a_stack_export_may_have_changed():
    before = registered(AWS_DB)
    document = {"deployment": {"resources": [to_record(r, i) for i, r in enumerate(before)]}}
    for entry in document["deployment"]["resources"]:
        if entry["type"] == INSTANCE:
            entry["inputs"]["userData"] = {SIG: entry["inputs"]["userData"][SIG], "ciphertext": "v1:abc"}
    resources, kind = parse_before(document, "export")
    assert kind == "stack export"
    (change,) = compare(resources, registered(AWS_DB))
    assert change.change == "replace" and not change.certain
    assert change.because == ["user_data (may change)"]


def test_the_stack_export_fixture_reads_as_the_real_engine_names_things():
    resources, kind = parse_before(json.loads((FIXTURES / "stack-export.json").read_text()), "fixture")
    assert kind == "stack export" and resources
    assert not [r for r in resources if r.type.startswith("pulumi:")]  # providers and the stack
    assert all("pulumi:pulumi:Stack$" not in r.urn for r in resources)
    osprofile = only(resources, "azure-native:compute:VirtualMachine").inputs["osProfile"]
    assert isinstance(osprofile, dict)


def test_plan_changes_against_the_same_stacks_plan_changes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert plan_main(["--stack", "dev", "--format", "json"]) == 0
    (tmp_path / "before.json").write_text(capsys.readouterr().out)
    assert plan_main(["--stack", "dev", "--changes", str(tmp_path / "before.json"), "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [(c["name"], c["change"], c["data_lost"]) for c in changes] == [
        (name, "no change", []) for name in ("web-aws", "web-azure", "web-gcp")
    ]


def test_every_rule_names_a_source_and_parses():
    for type_ in known_types():
        rules = type_rules(type_)
        assert rules.source and len(rules.parsed) == len(rules.rules)
        assert all(rule.source for rule in rules.rules), type_


def test_plan_changes_warns_when_before_is_another_stack(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    export = (FIXTURES / "stack-export.json").read_text().replace("urn:pulumi:dev::", "urn:pulumi:prod::")
    (tmp_path / "prod.json").write_text(export)
    assert plan_main(["--stack", "dev", "--changes", str(tmp_path / "prod.json")]) == 0
    out, err = capsys.readouterr()
    assert "BEFORE is of stack multicloud-vm/prod, not this one" in err
    assert "web-aws    create" in out


def test_azure_data_disks_are_known_by_their_lun_not_their_place_in_the_list():
    before = registered({"cloud": "azure", "ssh_public_key": KEY, "data_disks": [{"size_gib": 10}, {"size_gib": 20}]})
    after = copy.deepcopy(before)
    vm = only(after, "azure-native:compute:VirtualMachine")
    del vm.inputs["storageProfile"]["dataDisks"][0]  # LUN 0 goes; LUN 1 stays where it is
    step = plan_steps(before, after)[vm.urn]
    assert [c.path for c in step.changes] == ['storageProfile.dataDisks["0"]'] and step.op == "update"


def test_a_retained_or_protected_disk_is_not_lost_and_detaching_may_stop_the_instance():
    before = registered(AWS_DB)
    after = [r for r in copy.deepcopy(before) if r.type not in (VOLUME, "aws:ec2/volumeAttachment:VolumeAttachment")]
    attachment = only(before, "aws:ec2/volumeAttachment:VolumeAttachment")
    attachment.inputs["stopInstanceBeforeDetaching"] = True
    (removed,) = compare(before, after)
    assert removed.data_lost == ["db-data-0"]
    assert any("detaching stops the instance first" in note for note in removed.notes)
    only(before, VOLUME).retain_on_delete = True
    (retained,) = compare(before, after)
    assert retained.data["db-data-0"] == "retained" and retained.data_lost == []
    only(before, VOLUME).protect = True
    (protected,) = compare(before, after)
    assert protected.data["db-data-0"] == "protected" and "refuses to delete it" in protected.notes[0]


def test_a_windows_vm_is_replaced_with_its_password_store_and_its_endpoint_only_updated():
    """replace_with: a new admin password replaces the SSM parameter (delete-before-replace), and the
    VM with it. The SSM endpoint's policy names the parameter, so calculateDependentReplacements
    re-diffs it with the policy unknown: policy is not ForceNew, so the endpoint is updated."""
    args = {"cloud": "aws", "image": "windows-2022", "admin_password": "Lifecycle-Table-Pass-1"}
    before = registered(args)
    after = registered({**args, "admin_password": "Lifecycle-Table-Pass-2"})
    steps = plan_steps(before, after)
    by_type = {s.resource.type: s for s in steps.values()}
    assert by_type["aws:ssm/parameter:Parameter"].op == "replace"
    assert (by_type[INSTANCE].op, by_type[INSTANCE].cause) == ("replace", "replace_with")
    endpoint = only(before, "aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.inputs["privateDnsEnabled"] is False and steps[endpoint.urn].op == "update"
    (change,) = compare(before, after)
    assert change.summary() == "db: replace (admin_password); OS disk lost"


def test_a_conditional_force_new_replaces_a_dependent_only_where_its_condition_holds():
    """calculateDependentReplacements asks the provider, whose CustomizeDiff decides: an AWS
    instance whose user data depends on a replaced resource is replaced only with
    user_data_replace_on_change (a Windows VM's is off: stop, modify, start)."""
    args = {"cloud": "aws", "image": "windows-2022", "admin_password": "Lifecycle-Table-Pass-1"}
    for replace_on_change in (False, True):
        before, after = registered(args), registered(args)
        endpoint = only(before, "aws:ec2/vpcEndpoint:VpcEndpoint")
        for resources in (before, after):
            instance = only(resources, INSTANCE)
            instance.inputs["userDataReplaceOnChange"] = replace_on_change
            instance.replace_with = []
            assert endpoint.urn in instance.property_dependencies["userData"]
        only(after, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs["vpcId"] = "vpc-elsewhere"  # ForceNew
        only(before, "aws:ec2/vpcEndpoint:VpcEndpoint").delete_before_replace = True
        steps = plan_steps(before, after)
        assert steps[endpoint.urn].op == "replace"
        # Not replaced, the instance is updated with its user data computed anew (a stop and start).
        assert steps[only(before, INSTANCE).urn].op == ("replace" if replace_on_change else "update")


def test_a_plan_file_leaves_out_the_aliases_azure_native_adds_for_its_api_versions():
    vm = only(registered({"cloud": "azure", "ssh_public_key": KEY}), "azure-native:compute:VirtualMachine")
    assert len(vm.aliases) > 10 and "options" in to_record(vm, 0)
    assert "aliases" not in to_record(vm, 0)["options"]
    renamed = vm.urn.replace("::db-vm", "::old-vm")  # a rename's alias stays
    vm.aliases.append(renamed)
    assert to_record(vm, 0)["options"]["aliases"] == [renamed]


def test_a_move_of_data_disks_to_another_resource_group_or_project_names_its_field():
    """Without a lock nothing refuses it: plan --changes says the disks are lost and names the field
    that moved them (not ``region``, and not nothing), on Azure's VM and disks and GCP's alike."""
    disks = {"data_disks": [{"name": "logs", "size_gib": 20}]}
    azure = {"cloud": "azure", "ssh_public_key": KEY, "resource_group_name": "one-rg", **disks}
    (change,) = compare(registered(azure), registered({**azure, "resource_group_name": "two-rg"}))
    assert (change.change, change.because, change.data_lost) == (
        "replace",
        ["resource_group_name"],
        ["OS disk", "db-data-logs"],
    )
    # A plan that knows the network changed (dedicated -> shared moves the disks) names the network.
    (change,) = compare(registered(azure), registered({**azure, "resource_group_name": "two-rg"}), {"db": {"network"}})
    assert change.because == ["network"]
    # A shared network's group follows its region: a region move is not called a group change too.
    shared = {"cloud": "azure", "ssh_public_key": KEY, "region": "westeurope", **disks}
    (change,) = compare(registered(shared), registered({**shared, "region": "northeurope"}))
    assert change.because == ["region"]
    gcp = {"cloud": "gcp", "project": "one-project", **disks}
    (change,) = compare(registered(gcp), registered({**gcp, "project": "two-project"}))
    assert (change.change, change.because, change.data_lost) == ("replace", ["project"], ["OS disk", "db-data-logs"])
