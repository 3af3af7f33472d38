"""Live refresh of the offerings snapshot from each cloud's own APIs (see ``catalog refresh``).

One module per cloud (``aws``, ``azure``, ``gcp``), each with ``refresh(regions, *, data_dir, ...)``
returning a :class:`~.common.RefreshReport`; ``common`` merges and writes the snapshot.
"""
