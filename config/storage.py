"""Private file storage through Django's storage API, shared by import staging and evidence files.

``settings.STORAGES`` names two private storages: ``"staging"`` (uploaded workbooks between preview and
confirmation) and ``"evidence"`` (evidence files). By default each is a ``PrivateFileSystemStorage``: a folder
of mode 0700 holding files of mode 0600. A site with several app servers points them at a shared storage
(for example an S3-compatible one via ``django-storages``) with ``STAGING_STORAGE_BACKEND`` /
``EVIDENCE_STORAGE_BACKEND``; nothing else changes.

API: ``staging_storage()``, ``evidence_storage()`` (both ``Storage`` instances), ``PrivateFileSystemStorage``.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage, Storage, storages

PRIVATE_DIRECTORY_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder only the server's user can read: directories 0700, files 0600 (the root folder too)."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", PRIVATE_FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", PRIVATE_DIRECTORY_MODE)
        super().__init__(location=location, **kwargs)

    def _save(self, name, content):
        root = self.location
        if not os.path.isdir(root):
            os.makedirs(root, mode=PRIVATE_DIRECTORY_MODE, exist_ok=True)
        if os.stat(root).st_mode & 0o077:
            os.chmod(root, PRIVATE_DIRECTORY_MODE)
        return super()._save(name, content)


def staging_storage() -> Storage:
    return storages["staging"]


def evidence_storage() -> Storage:
    return storages["evidence"]
