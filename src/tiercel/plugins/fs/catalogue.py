"""Every class of the file-system plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.fs.index`` instead, and imports a class when needed;
importing these modules does not import paramiko.
"""

from tiercel.plugins.fs.ftp.delete import Delete as FtpDelete
from tiercel.plugins.fs.ftp.download import Download as FtpDownload
from tiercel.plugins.fs.ftp.downloads import Downloads as FtpDownloads
from tiercel.plugins.fs.ftp.list_files import List as FtpList
from tiercel.plugins.fs.ftp.move import Move as FtpMove
from tiercel.plugins.fs.ftp.trigger import Trigger as FtpTrigger
from tiercel.plugins.fs.ftp.upload import Upload as FtpUpload
from tiercel.plugins.fs.ftp.uploads import Uploads as FtpUploads
from tiercel.plugins.fs.ftps.delete import Delete as FtpsDelete
from tiercel.plugins.fs.ftps.download import Download as FtpsDownload
from tiercel.plugins.fs.ftps.downloads import Downloads as FtpsDownloads
from tiercel.plugins.fs.ftps.list_files import List as FtpsList
from tiercel.plugins.fs.ftps.move import Move as FtpsMove
from tiercel.plugins.fs.ftps.trigger import Trigger as FtpsTrigger
from tiercel.plugins.fs.ftps.upload import Upload as FtpsUpload
from tiercel.plugins.fs.ftps.uploads import Uploads as FtpsUploads
from tiercel.plugins.fs.local.copy import LocalCopy
from tiercel.plugins.fs.local.delete import LocalDelete
from tiercel.plugins.fs.local.download import LocalDownload
from tiercel.plugins.fs.local.downloads import LocalDownloads
from tiercel.plugins.fs.local.list_files import LocalList
from tiercel.plugins.fs.local.move import LocalMove
from tiercel.plugins.fs.local.realtime_trigger import LocalRealtimeTrigger
from tiercel.plugins.fs.local.trigger import LocalTrigger
from tiercel.plugins.fs.local.upload import LocalUpload
from tiercel.plugins.fs.local.uploads import LocalUploads
from tiercel.plugins.fs.sftp.delete import Delete as SftpDelete
from tiercel.plugins.fs.sftp.download import Download as SftpDownload
from tiercel.plugins.fs.sftp.downloads import Downloads as SftpDownloads
from tiercel.plugins.fs.sftp.list_files import List as SftpList
from tiercel.plugins.fs.sftp.move import Move as SftpMove
from tiercel.plugins.fs.sftp.trigger import Trigger as SftpTrigger
from tiercel.plugins.fs.sftp.upload import Upload as SftpUpload
from tiercel.plugins.fs.sftp.uploads import Uploads as SftpUploads
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    LocalCopy,
    LocalDelete,
    LocalDownload,
    LocalDownloads,
    LocalList,
    LocalMove,
    LocalRealtimeTrigger,
    LocalTrigger,
    LocalUpload,
    LocalUploads,
    FtpDelete,
    FtpDownload,
    FtpDownloads,
    FtpList,
    FtpMove,
    FtpTrigger,
    FtpUpload,
    FtpUploads,
    FtpsDelete,
    FtpsDownload,
    FtpsDownloads,
    FtpsList,
    FtpsMove,
    FtpsTrigger,
    FtpsUpload,
    FtpsUploads,
    SftpDelete,
    SftpDownload,
    SftpDownloads,
    SftpList,
    SftpMove,
    SftpTrigger,
    SftpUpload,
    SftpUploads,
]
