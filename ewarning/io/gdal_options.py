"""GDAL settings that keep pyogrio off the network and away from files a file points to.

Uploaded files never reach GDAL: GeoJSON and GeoPackage are parsed by
:mod:`ewarning.io.geojson` and :mod:`ewarning.io.gpkg`. GDAL (through pyogrio
and geopandas) still opens the files the project ships (the basemap, the
towns layer, a scenario's countries) and writes exports, and a road
shapefile given with ``--roads``. For those, in case one is ever swapped for
something hostile, :func:`lock_down_gdal` (applied when :mod:`ewarning.io`
is imported) sets:

``CPL_VSIL_CURL_ALLOWED_FILENAME``
    ``/vsicurl/`` (and ``/vsis3/``, ``/vsigs/``, ``/vsiaz/``... built on it)
    opens only the one file named here. The value is not a ``/vsicurl/``
    path, so it opens none and sends no request.
``GDAL_HTTP_PROXY``, ``GDAL_HTTPS_PROXY``
    GDAL's other HTTP client (a driver fetching an ``http://`` name itself,
    as the GeoJSON driver does for a source named in a virtual file) sends
    everything through this proxy: a closed local port, so no request leaves
    the machine. (curl still honours a ``NO_PROXY`` environment variable.)
``GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR``
    GDAL does not list the folder of a file it opens, so it learns no other
    file names there (side-car files such as a shapefile's ``.prj`` are still
    found by name).
``OGR_SKIP``
    Every vector driver except :data:`ALLOWED_DRIVERS` is deregistered. That
    removes the drivers that open other files or URLs on a file's say-so:
    ``OGR_VRT`` (virtual files), ``GDALG`` (saved GDAL pipelines), ``WFS``,
    ``OAPIF``, ``HTTP``, ``ADBC`` (loads a library) and the rest.

``tests/test_disguised_files.py`` checks each of these in a fresh process:
without the option the attack works, with it the attack fails.

Examples
--------
>>> import pyogrio
>>> _ = lock_down_gdal()
>>> sorted(pyogrio.list_drivers())
['ESRI Shapefile', 'GPKG', 'GeoJSON', 'MEM']
"""

from __future__ import annotations

import warnings

# No imports from ewarning here: the test that verifies these options loads this file on its own.

#: The only GDAL vector drivers the project needs: GeoJSON (basemap, exports), GPKG (exports, the
#: store seen by GIS tools), ESRI Shapefile (``--roads``) and MEM (GDAL's in-memory datasets).
ALLOWED_DRIVERS = ("GeoJSON", "GPKG", "ESRI Shapefile", "MEM")

#: A closed port on this machine: GDAL's HTTP requests go nowhere.
BLACK_HOLE_PROXY = "127.0.0.1:9"

#: Options that stop GDAL from reaching the network or listing folders (see the module notes).
NO_NETWORK = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "ewarning: network access is switched off",
    "GDAL_HTTP_PROXY": BLACK_HOLE_PROXY,
    "GDAL_HTTPS_PROXY": BLACK_HOLE_PROXY,
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}


def switch_off_network() -> None:
    """Set :data:`NO_NETWORK` for every later GDAL open in this process."""
    import pyogrio

    pyogrio.set_gdal_config_options(NO_NETWORK)


def restrict_drivers(allowed=ALLOWED_DRIVERS) -> list[str]:
    """Deregister every GDAL vector driver not in ``allowed``; return those left.

    GDAL applies ``OGR_SKIP`` when drivers are registered, which pyogrio does
    once, on import. Registering again keeps the drivers already there and
    then deregisters the skipped ones; it is what GDAL itself does on every
    ``GDALAllRegister``, so a later registration by anyone keeps them out.
    """
    import pyogrio

    skip = [name for name in pyogrio.list_drivers() if name not in allowed]
    if skip:
        pyogrio.set_gdal_config_options({"OGR_SKIP": ",".join(skip)})  # comma: driver names may hold spaces
        try:
            from pyogrio._ogr import _register_drivers  # pyogrio's own wrapper of GDALAllRegister
        except ImportError:  # a pyogrio without it: say so rather than pretend
            _register_drivers = None
        if _register_drivers is not None:
            _register_drivers()
    left = sorted(pyogrio.list_drivers())
    extra = sorted(set(left) - set(allowed))
    if extra:
        warnings.warn(f"GDAL drivers could not be switched off: {', '.join(extra)}", RuntimeWarning, stacklevel=2)
    return left


def lock_down_gdal() -> list[str]:
    """Apply every setting of this module; return the GDAL vector drivers left."""
    switch_off_network()
    return restrict_drivers()
