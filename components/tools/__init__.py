"""The command-line tools around the component and the offline engine they run on.

``python -m components plan | compare | catalog`` (dispatched by ``components/__main__.py``):
``plan`` (with the cost diff of ``plandiff``) runs the stack program under ``offline``, Pulumi's
in-process mocks engine, which the tests use too; ``compare`` ranks offerings across clouds from the
catalog; ``catalog`` builds, refreshes and describes the catalog's snapshots. None imports a provider
SDK at module level: ``compare`` and ``catalog`` never load one, ``plan`` only when it runs the
program.
"""
