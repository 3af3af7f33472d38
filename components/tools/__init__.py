"""The command-line tools around the component.

``python -m components plan | compare | catalog`` (or the ``multicloud-vm`` command; dispatched by
``components/__main__.py``): ``plan`` (with the cost diff of ``plandiff``) reads the stack files as
Pulumi does (``stack_files``) and runs the project's program (``program_runner``) under
``components.offline``, Pulumi's in-process mocks engine, which the tests use too; ``plan --policy-pack`` judges it with a
policy pack (``policy_check``, the only tool that loads the policy SDK); ``compare`` ranks offerings
across clouds from the catalog; ``catalog`` builds, refreshes and describes the catalog's snapshots.
None imports a provider SDK at module level: ``compare`` and ``catalog`` never load one, ``plan``
only when it runs the program.
"""
