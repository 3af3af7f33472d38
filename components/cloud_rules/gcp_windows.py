"""Where a GCP Windows VM's admin password lives: its Secret Manager secret and the VM's own service
account (the names the adapter registers), each rule with its source."""

from __future__ import annotations

import hashlib
from typing import Any

# The Windows admin password is a Secret Manager secret (automatic replication, billed as one location:
# https://cloud.google.com/secret-manager/docs/choosing-replication) whose only reader is the VM's own
# service account (roles/secretmanager.secretAccessor on that secret), read at first boot with the
# metadata server's token. Secret IDs take [a-zA-Z0-9_-], 1-255 characters; service account IDs
# 6-30 characters of [a-z0-9-], starting with a letter and not ending with '-'
# (https://cloud.google.com/iam/docs/service-accounts-create#creating).
SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def _stack_digest(spec: Any) -> str:
    return hashlib.sha256(f"{spec.stack or 'project/stack'}/{spec.name}".encode()).hexdigest()[:8]


def admin_password_secret_id(spec: Any) -> str:
    """The secret holding a Windows VM's admin password: unique per stack and VM within the project."""
    return f"{spec.name}-admin-password-{_stack_digest(spec)}"


def admin_service_account_id(spec: Any) -> str:
    """The VM's own service account: the VM name's first 21 characters and a digest of stack and VM."""
    return f"{spec.name[:21].rstrip('-')}-{_stack_digest(spec)}"
