"""Signatures and encryption, from the `cryptography` package only: no primitive is made here.

- Signatures are Ed25519. Every signed thing is signed with a purpose in front of it
  (`b"motcua-<purpose>-v1\\n"` + the bytes), so a signature made for one kind of file can never
  be replayed as another (a sync file's signature is no export's).
- A key is shown as its fingerprint: the SHA-256 of the raw 32-byte public key, in base32,
  the first 20 characters in groups of four (`ABCD-EFGH-IJKL-MNOP-QRST`, 100 bits): short enough
  to read over the phone, long enough that nobody can make a key with a chosen fingerprint.
- Encryption to the province (docs/export-format.md, "Encryption envelope"): X25519 with a new
  key pair per file, HKDF-SHA256 into an AES-256-GCM key and a base nonce, then the file in
  fixed 1 MiB chunks, each sealed with its own nonce (the base nonce XOR the chunk's index and
  a last-chunk flag) and the whole header as associated data. A chunk moved, dropped, repeated
  or cut off, a flag flipped or a header byte changed makes the decryption fail. The package's
  HPKE encrypts one message in memory; an export is hundreds of MB, so the chunks are built on
  its three primitives instead, as age does.
"""

import base64
import binascii
import hashlib
import hmac
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from counter.errors import CounterError

KEY_BYTES = 32
SIGNATURE_BYTES = 64
FINGERPRINT_CHARACTERS = 20
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# What an officer may type for a fingerprint read over the phone: digits that look like letters.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})

# The encryption envelope (docs/export-format.md).
MAGIC = b"MCUAENC\x01"
CHUNK = 1 << 20
TAG = 16
HEADER = struct.Struct(">8s32s32sI")  # magic, recipient key's SHA-256, ephemeral public key, chunk size
_INFO = b"motcua-encrypted-export-v1"
_MIN_CHUNK, _MAX_CHUNK = 1 << 12, 1 << 24


class CryptoError(CounterError):
    """A key, signature or encrypted file that does not check out."""


def purpose_prefix(purpose: str) -> bytes:
    return f"motcua-{purpose}-v1\n".encode("ascii")


# ---- text forms ---------------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def from_b64(text, length: int | None = None) -> bytes | None:
    """The bytes of a standard base64 text (padding required), or None when it is not one
    (or not `length` bytes): a file's field is never trusted to be what it says."""
    if type(text) is not str or len(text) > 4 * (1 << 16) or not text.isascii():
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if b64(data) != text or (length is not None and len(data) != length):
        return None
    return data


def fingerprint(public_key: bytes) -> str:
    """`ABCD-EFGH-IJKL-MNOP-QRST`: base32 of the key's SHA-256, 20 characters in groups of four."""
    text = base64.b32encode(hashlib.sha256(public_key).digest()).decode("ascii")[:FINGERPRINT_CHARACTERS]
    return "-".join(text[i:i + 4] for i in range(0, FINGERPRINT_CHARACTERS, 4))


def typed_fingerprint(text: str) -> str:
    """A fingerprint as an officer typed it (any case, with or without dashes or spaces,
    0/1/8/9 for O/I/B/G) in its written form; CryptoError if it cannot be one."""
    cleaned = "".join(ch for ch in str(text or "").upper().translate(_LOOKALIKES) if ch not in " -.\t")
    if len(cleaned) != FINGERPRINT_CHARACTERS or any(ch not in _BASE32 for ch in cleaned):
        shown = "".join(ch if ch.isprintable() else "?" for ch in str(text)[:40])
        raise CryptoError(
            f"«{shown}» không phải mã khóa: mã khóa gồm {FINGERPRINT_CHARACTERS} chữ cái A–Z và chữ số 2–7, "
            "chia nhóm 4 ký tự (ví dụ ABCD-EFGH-IJKL-MNOP-QRST).", "not a key fingerprint")
    return "-".join(cleaned[i:i + 4] for i in range(0, FINGERPRINT_CHARACTERS, 4))


# ---- signing keys (Ed25519) ---------------------------------------------------------------------

@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair: `private` is the 32-byte seed, `public` the 32-byte public key."""

    private: bytes
    public: bytes

    @classmethod
    def new(cls) -> "SigningKey":
        return cls.of(Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def of(cls, private: bytes) -> "SigningKey":
        key = Ed25519PrivateKey.from_private_bytes(private)
        return cls(private, key.public_key().public_bytes_raw())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, purpose: str, data: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.private).sign(purpose_prefix(purpose) + data)

    def pem(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.private).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def signing_key_from_pem(data: bytes) -> SigningKey | None:
    """The Ed25519 key of a PEM file (PKCS#8, unencrypted), or None for anything else."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, Ed25519PrivateKey):
        return None
    return SigningKey.of(key.private_bytes_raw())


def verify(public_key: bytes, purpose: str, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the Ed25519 signature of `data` for `purpose` by `public_key`."""
    if len(public_key) != KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, purpose_prefix(purpose) + data)
    except (InvalidSignature, ValueError):
        return False
    return True


# ---- encryption keys (X25519) -------------------------------------------------------------------

@dataclass(frozen=True)
class EncryptionKey:
    """An X25519 key pair (the province's): 32-byte private and public keys."""

    private: bytes
    public: bytes

    @classmethod
    def new(cls) -> "EncryptionKey":
        return cls.of(X25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def of(cls, private: bytes) -> "EncryptionKey":
        key = X25519PrivateKey.from_private_bytes(private)
        return cls(private, key.public_key().public_bytes_raw())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def pem(self) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.private).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def is_x25519_public(public_key: bytes) -> bool:
    try:
        X25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        return False
    return len(public_key) == KEY_BYTES


def is_ed25519_public(public_key: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        return False
    return len(public_key) == KEY_BYTES


# ---- the encryption envelope --------------------------------------------------------------------

def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> tuple[AESGCM, int]:
    material = HKDF(algorithm=hashes.SHA256(), length=44, salt=ephemeral + recipient, info=_INFO).derive(shared)
    return AESGCM(material[:32]), int.from_bytes(material[32:], "big")


def _nonce(base: int, index: int, last: bool) -> bytes:
    return (base ^ ((index << 8) | int(last))).to_bytes(12, "big")


def is_encrypted(head: bytes) -> bool:
    """Whether a file starting with `head` is an encryption envelope (its first 8 bytes)."""
    return head[:len(MAGIC)] == MAGIC


@dataclass(frozen=True)
class Sealed:
    """What encrypting a file wrote: its size, and the key to read it back once with (never stored)."""

    size: int
    plaintext_sha256: str
    check: Callable[[BinaryIO], str]  # decrypt the written envelope again; returns the plaintext's SHA-256


def encrypt(source: BinaryIO, target: BinaryIO, recipient: bytes, chunk: int = CHUNK) -> Sealed:
    """Encrypt `source` (read to its end) into `target` for the X25519 public key `recipient`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    aead, base = _derive(shared, ephemeral_public, recipient)
    header = HEADER.pack(MAGIC, hashlib.sha256(recipient).digest(), ephemeral_public, chunk)
    target.write(header)
    written = len(header)
    digest = hashlib.sha256()
    index, block = 0, source.read(chunk)
    while True:
        following = source.read(chunk) if len(block) == chunk else b""
        last = not following
        digest.update(block)
        sealed = aead.encrypt(_nonce(base, index, last), block, header)
        target.write(sealed)
        written += len(sealed)
        if last:
            break
        index, block = index + 1, following

    def check(envelope: BinaryIO) -> str:
        try:
            if envelope.read(len(header)) != header:
                raise _Broken("phần đầu đọc lại không khớp", "the header did not read back")
            return _open_chunks(envelope, aead, base, header, chunk, None)
        except _Broken as exc:
            raise CryptoError(f"Tệp xuất đã mã hóa đọc lại không khớp dữ liệu đã ghi ({exc.args[0]}).",
                              exc.args[1]) from None

    return Sealed(written, digest.hexdigest(), check)


@dataclass(frozen=True)
class Envelope:
    recipient: bytes  # the SHA-256 of the public key it was encrypted to
    ephemeral: bytes
    chunk: int
    header: bytes


def read_header(source: BinaryIO, name: str) -> Envelope:
    header = source.read(HEADER.size)
    if len(header) != HEADER.size:
        raise _refused(name, "tệp mã hóa bị cắt cụt ngay ở phần đầu", "truncated envelope header")
    magic, recipient, ephemeral, chunk = HEADER.unpack(header)
    if magic != MAGIC:
        raise _refused(name, "không phải tệp mã hóa của motcua", "not a motcua envelope")
    if not _MIN_CHUNK <= chunk <= _MAX_CHUNK or not is_x25519_public(ephemeral):
        raise _refused(name, "phần đầu của tệp mã hóa không hợp lệ", "bad envelope header")
    return Envelope(recipient, ephemeral, chunk, header)


def decrypt(source: BinaryIO, target: BinaryIO, key: EncryptionKey, name: str, limit: int) -> str:
    """Decrypt an envelope into `target`, never writing more than `limit` bytes; returns the
    plaintext's SHA-256. CryptoError (Vietnamese) for another recipient, or any chunk that is
    not exactly what was sealed (altered, moved, missing, extra, truncated)."""
    envelope = read_header(source, name)
    if not hmac.compare_digest(envelope.recipient, hashlib.sha256(key.public).digest()):
        raise _refused(name, "tệp được mã hóa cho một khóa khác, không phải khóa của tỉnh này",
                       "encrypted to another key")
    try:
        shared = X25519PrivateKey.from_private_bytes(key.private).exchange(
            X25519PublicKey.from_public_bytes(envelope.ephemeral))
    except ValueError:  # a low-order point: no shared secret
        raise _refused(name, "khóa tạm trong phần đầu của tệp mã hóa không hợp lệ", "bad ephemeral key") from None
    aead, base = _derive(shared, envelope.ephemeral, key.public)
    try:
        return _open_chunks(source, aead, base, envelope.header, envelope.chunk, target, limit)
    except _Broken as exc:
        raise _refused(name, exc.args[0], exc.args[1]) from None


class _Broken(Exception):
    pass


def _open_chunks(source: BinaryIO, aead: AESGCM, base: int, header: bytes, chunk: int,
                 target: BinaryIO | None, limit: int | None = None) -> str:
    """Decrypt the chunks after the header, one ahead, so the last is known when it is read."""
    digest = hashlib.sha256()
    size = chunk + TAG
    index, block, total = 0, source.read(size), 0
    while True:
        if len(block) < TAG:
            raise _Broken("tệp mã hóa bị cắt cụt", "truncated envelope")
        following = source.read(size) if len(block) == size else b""
        last = not following
        try:
            plain = aead.decrypt(_nonce(base, index, last), block, header)
        except InvalidTag:
            raise _Broken("dữ liệu mã hóa bị sửa, bị cắt hoặc không đúng khóa (phần thứ "
                          f"{index + 1} không giải mã được)", f"chunk {index} does not open") from None
        total += len(plain)
        if limit is not None and total > limit:
            raise _Broken("tệp giải mã ra lớn hơn giới hạn của một tệp xuất", "decrypts past the limit")
        digest.update(plain)
        if target is not None:
            target.write(plain)
        if last:
            return digest.hexdigest()
        index, block = index + 1, following


def _refused(name: str, why: str, english: str) -> CryptoError:
    shown = "".join(ch if ch.isprintable() else "?" for ch in str(name)[:120])
    return CryptoError(f"Tệp {shown} bị từ chối: {why}. Không nhập gì từ tệp này.", f"{shown} rejected: {english}")
