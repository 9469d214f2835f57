"""England's geography, offline: value types, text rules, tables, resolvers and map geometry.

:mod:`services.geography` puts these together behind one object; each module here has one
job (as geopy keeps one file per geocoder beside a small shared interface).
"""
