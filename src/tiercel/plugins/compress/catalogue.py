"""Every class of the compression plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.compress.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.compress.archive_compress import ArchiveCompress
from tiercel.plugins.compress.archive_decompress import ArchiveDecompress
from tiercel.plugins.compress.file_compress import FileCompress
from tiercel.plugins.compress.file_decompress import FileDecompress
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    ArchiveCompress,
    ArchiveDecompress,
    FileCompress,
    FileDecompress,
]
