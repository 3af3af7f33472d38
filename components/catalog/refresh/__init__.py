"""Live refresh of the offerings snapshot from each cloud's own APIs (see ``catalog refresh``).

One module per cloud (``aws``, ``azure``, ``gcp``), each with ``refresh(regions, *, data_dir, ...)``
returning a :class:`~.common.RefreshReport`, and ``refresh_options(args, environ)``, what ``catalog
refresh <cloud>`` needs from its command line (a :class:`~.common.RefreshCall`, or a one-line
:class:`~.common.UsageError`); ``common`` merges and writes the snapshot.
"""
