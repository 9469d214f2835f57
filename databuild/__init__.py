"""Build-time code: generators of the shipped data, never imported at run time.

``python -m databuild national`` builds every generated service record from
``data/sources/`` (the statutory spine and the support beyond it); ``python -m databuild
geography`` builds ``data/geography/`` from the ``geodata`` packages and the reorganisation
tables in ``data/sources/`` (:mod:`databuild.geography`); ``python -m databuild
commissioning`` trims the DfE / ONS statistics into ``data/commissioning/``; ``python -m
databuild synth`` writes a synthetic national directory for tests and benchmarks. The runtime packages
(``services``, ``pathways``, ``app``) never import this one; it imports them (the models a
record must pass, the geography, the error types).
"""
