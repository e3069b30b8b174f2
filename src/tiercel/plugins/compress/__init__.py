"""Compression plugins (``io.kestra.plugin.compress.*``): ``ArchiveCompress``,
``ArchiveDecompress``, ``FileCompress`` and ``FileDecompress``.

``codecs`` holds the single-file compressions (GZIP, BZIP2, XZ, LZMA and DEFLATE from the
standard library; ZSTD with ``pip install 'tiercel[compress]'``), ``archives`` the archive
formats (ZIP, JAR and TAR). Files stream through the worker's disk in chunks, never whole in
memory. Like every plugin package it imports ``tiercel.sdk`` and nothing else of Tiercel.
"""
