"""The project's version: the one place it is written (semver; releases are git tags ``v<version>``).

The ``multicloud`` plugin reports it to Pulumi (``GetPluginInfo`` and the schema's ``version``), so a
consumer's ``pulumi package add <repo>.git/plugin@v<version>`` gets an SDK of this same version.
"""

__version__ = "0.1.0"
