"""What IAM takes of the role a Windows VM on EC2 gets (checked in ``cloud_rules/aws.py``): part of AWS's
cloud rules, a module of its own to keep that one under 500 lines."""

from __future__ import annotations

from typing import Any

# A Windows VM's IAM role is autonamed ``<vm>-admin-role`` plus Pulumi's 8-character suffix
# (components/clouds/aws_windows.py), and an IAM role name has at most 64 characters (CreateRole
# RoleName; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Its instance
# profile and inline policy names may have 128.
MAX_IAM_ROLE_NAME = 64
WINDOWS_MAX_NAME = MAX_IAM_ROLE_NAME - len("-admin-role") - 8


def iam_name_problems(spec: Any) -> list[tuple[str, object, str]]:
    if not spec.is_windows or len(spec.name) <= WINDOWS_MAX_NAME:
        return []
    return [
        (
            "name",
            spec.name,
            f"at most {WINDOWS_MAX_NAME} characters for a Windows VM on AWS: its IAM role is named "
            f"<name>-admin-role with an 8-character suffix, and IAM role names have at most {MAX_IAM_ROLE_NAME}",
        )
    ]
