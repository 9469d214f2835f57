"""The offline geography of England in ``data/geography/``: ``python -m databuild geography``.

Why offline: a parent typing a postcode into Waymark describes where a child lives; resolving
it against files we ship means the postcode is never sent to anyone.

What each module does, in the order the build uses them:

* :mod:`.sources` reads the PyPI packages of the ``geodata`` extra (ONS lookup and postcode
  directory, LSOA boundaries, GeoNames places) and nothing else;
* :mod:`.reorganisations` and :mod:`.upper_tier` read the hand-kept tables in
  ``data/sources/`` (what changed since the 2021 lookup, and each authority's region, display
  name and aliases), each bad row named by :mod:`.rows`;
* :mod:`.authorities` brings the 2021 lookup up to date with them;
* :mod:`.postcodes`, :mod:`.boundaries`, :mod:`.gazetteer` and :mod:`.tables` build and write
  the files; :mod:`.writer` writes each one atomically; :mod:`.provenance` writes SOURCES.md;
* :mod:`.build` runs them in order.

Only :mod:`.build` and the modules it calls need the ``geodata`` extra; importing this
package does not.
"""
