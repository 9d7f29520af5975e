"""Passphrase encryption of a backup stream, in chunks so memory stays flat whatever its size.

Layout: MAGIC, a header (scrypt n, r and p, the chunk size, a 16-byte salt, a 16-byte
passphrase check), then chunks, each a flag byte (1 on the last chunk), a 4-byte length and
the AES-256-GCM ciphertext with its tag. The key and the check come from scrypt; a chunk's
nonce is its number and its flag, and the header is authenticated with every chunk, so a
changed, reordered, dropped or cut-off chunk, or a changed header, fails to decrypt.
"""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from disctrack.core.backups import BackupError

MAGIC = b"DTBKENC1"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
MIN_PASSPHRASE = 12
_PARAMS = struct.Struct(">IIII")
_CHUNK_HEAD = struct.Struct(">BI")
_TAG = 16


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not (1 < n <= 1 << 20 and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        raise BackupError("the encryption header is damaged (impossible key derivation settings)")
    derived = Scrypt(salt=salt, length=48, n=n, r=r, p=p).derive(passphrase.encode())
    return derived[:32], derived[32:]


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + bytes([last])


class EncryptingWriter:
    """A write-only stream that encrypts into `raw`; `close()` writes the last chunk."""

    def __init__(self, raw, passphrase: str):
        if len(passphrase) < MIN_PASSPHRASE:
            raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters long")
        salt = os.urandom(16)
        key, check = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._header = MAGIC + _PARAMS.pack(SCRYPT_N, SCRYPT_R, SCRYPT_P, CHUNK) + salt + check
        self._raw, self._aead = raw, AESGCM(key)
        self._buffer, self._number = bytearray(), 0
        raw.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._number, last), plain, self._header)
        self._raw.write(_CHUNK_HEAD.pack(last, len(sealed)) + sealed)
        self._number += 1


class DecryptingReader:
    """A read-only stream of the plain bytes; BackupError on a wrong passphrase or damage."""

    def __init__(self, raw, passphrase: str):
        head = raw.read(len(MAGIC) + _PARAMS.size + 32)
        if len(head) < len(MAGIC) + _PARAMS.size + 32 or not head.startswith(MAGIC):
            raise BackupError("the file is too short to be an encrypted backup: it is damaged")
        n, r, p, self._chunk = _PARAMS.unpack_from(head, len(MAGIC))
        salt, check = head[-32:-16], head[-16:]
        key, expected = _derive(passphrase, salt, n, r, p)
        if not hmac.compare_digest(check, expected):
            raise BackupError("wrong passphrase: this backup was encrypted with another one")
        self._raw, self._aead, self._header = raw, AESGCM(key), head
        self._plain, self._at, self._number, self._done = b"", 0, 0, False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._plain) - self._at < size):
            self._plain = self._plain[self._at:] + self._next_chunk()
            self._at = 0
        end = len(self._plain) if size < 0 else self._at + size
        out = self._plain[self._at:end]
        self._at += len(out)
        return out

    def _next_chunk(self) -> bytes:
        head = self._raw.read(_CHUNK_HEAD.size)
        if len(head) < _CHUNK_HEAD.size:
            raise BackupError("the encrypted file ends early: it is truncated")
        last, length = _CHUNK_HEAD.unpack(head)
        if last not in (0, 1) or length > self._chunk + _TAG:
            raise BackupError(f"encrypted chunk {self._number} is damaged")
        sealed = self._raw.read(length)
        if len(sealed) < length:
            raise BackupError("the encrypted file ends early: it is truncated")
        try:
            plain = self._aead.decrypt(_nonce(self._number, bool(last)), sealed, self._header)
        except InvalidTag:
            raise BackupError(f"encrypted chunk {self._number} is damaged (it fails its "
                              "authentication)") from None
        self._number += 1
        if last:
            self._done = True
            if self._raw.read(1):
                raise BackupError("the encrypted file has bytes after its last chunk: it is damaged")
        return plain
