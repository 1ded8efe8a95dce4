"""Issue 14 for NFT files: deep JSON, killed saves, tampered manifests, unsafe ids.

The kill tests run the save in a child process that ``os._exit``s right after one of
its file-system steps (no ``finally`` runs, as with SIGKILL), then check from the
parent what is left at the path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from refimpl.nft import CollectionError, build_metadata, cid_v1, metadata_bytes
from refimpl.nft.collection import CollectionItem, load_collection, save_collection

ROOT = Path(__file__).resolve().parents[1]
DEPTH = 70_000


def _run(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


# ----- 1. a 70,000-level document after py_ecc raised the recursion limit -------------
def test_deep_json_is_refused_by_every_parser_after_importing_py_ecc(tmp_path):
    (tmp_path / "c").mkdir()
    deep = "[" * DEPTH + "]" * DEPTH
    (tmp_path / "c" / "manifest.json").write_text(deep)
    result = _run(
        f"""
        import sys
        import py_ecc.bn128  # noqa: F401  (raises the recursion limit)
        assert sys.getrecursionlimit() >= 70_000, sys.getrecursionlimit()
        from refimpl.art import ArtError, ProvenanceRecord
        from refimpl.chain.errors import InvalidTransaction
        from refimpl.crypto import PrivateKey
        from refimpl.nft import CollectionError, MetadataError
        from refimpl.nft.collection import load_collection
        from refimpl.nft.onchain import NFTExtension
        from refimpl.chain.transaction import Transaction

        deep = "[" * {DEPTH} + "]" * {DEPTH}
        deep_obj = '{{"token_id":' + deep + "}}"

        class Peer:  # what a peer could send, without Transaction's own size cap
            kind, payload = "nft_unlist", deep_obj.encode()

        key = PrivateKey(7)
        n = 49_000  # the deepest payload a Transaction accepts (under 100,000 bytes)
        tx = Transaction(sender=key.public_key.to_bytes(compressed=True), recipient="",
                         amount=0, fee=0, nonce=0, chain_id=1, kind="nft_unlist",
                         payload=b'{{"token_id":' + b"[" * n + b"]" * n + b"}}")
        checks = [
            (lambda: NFTExtension().check_payload(Peer()), InvalidTransaction),
            (lambda: NFTExtension().check_payload(tx), InvalidTransaction),
            (lambda: __import__("refimpl.nft").nft.parse_metadata(deep), MetadataError),
            (lambda: load_collection({str(tmp_path / "c")!r}), CollectionError),
            (lambda: ProvenanceRecord.from_json(deep), ArtError),
        ]
        for fn, exc in checks:
            try:
                fn()
            except exc as e:
                print(type(e).__name__, str(e)[:60])
            else:
                raise SystemExit("accepted a 70,000-level document")
        """
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.count("\n") == 5, result.stdout


def test_the_hazard_is_real_plain_json_dies_on_that_document():
    """Why the bound exists: ``json.loads`` itself is killed (SIGSEGV), not refused."""
    result = _run(
        f"""
        import json
        import py_ecc.bn128  # noqa: F401
        json.loads("[" * {DEPTH} + "]" * {DEPTH})
        """
    )
    assert result.returncode != 0  # -11 (SIGSEGV) on Linux


# ----- a small collection to damage -------------------------------------------------
def _item(tid: int, tag: bytes) -> CollectionItem:
    image = b"\x89PNG fake image " + tag
    md = build_metadata(
        name=f"T{tid}",
        description="d",
        image_cid=cid_v1(image),
        model="cppn",
        seed=tid,
        style="classic",
    )
    return CollectionItem(tid, image, metadata_bytes(md))


V1 = [_item(1, b"one"), _item(2, b"two")]
V2 = [_item(1, b"uno"), _item(3, b"tres")]


@pytest.fixture
def coll(tmp_path) -> Path:
    return save_collection(tmp_path / "drop", "Drop", V1)


def _edit_manifest(path: Path, change) -> None:
    mpath = path / "manifest.json"
    m = json.loads(mpath.read_text())
    change(m)
    mpath.write_text(json.dumps(m))


# ----- 2. tampered manifests: refused by name, never loaded or a foreign error -------
def _drop(key):
    return lambda m: m.pop(key)


def _tok(key, value=None, drop=False):
    def change(m):
        if drop:
            del m["tokens"][0][key]
        else:
            m["tokens"][0][key] = value

    return change


def _file(rel, key, value=None, drop=False):
    def change(m):
        if drop:
            del m["files"][rel][key]
        else:
            m["files"][rel][key] = value

    return change


def _dup(m):
    m["tokens"].append(dict(m["tokens"][0]))


def _dup_same_files(m):
    t = dict(m["tokens"][1])
    t["token_id"] = 1
    m["tokens"].append(t)


def _traversal(m):
    t = m["tokens"][0]
    entry = m["files"].pop(t["metadata"])
    t["metadata"] = "../../outside.json"
    m["files"]["../../outside.json"] = entry


TAMPERS = {
    "missing name": _drop("name"),
    "missing tokens": _drop("files"),
    "extra field": lambda m: m.update(signature="x"),
    "name not a string": lambda m: m.update(name=5),
    "tokens not a list": lambda m: m.update(tokens={"1": 1}),
    "files not an object": lambda m: m.update(files=[]),
    "token misses image_cid": _tok("image_cid", drop=True),
    "token id a string": _tok("token_id", "1"),
    "token id a bool": _tok("token_id", True),
    "token id a float": _tok("token_id", 1.0),
    "token id negative": _tok("token_id", -1),
    "token id too big": _tok("token_id", 2**256),
    "token entry a list": lambda m: m["tokens"].__setitem__(0, [1]),
    "duplicate token id": _dup,
    "duplicate id, other files": _dup_same_files,
    "image path elsewhere": _tok("image", "images/../manifest.json"),
    "metadata path traversal": _traversal,
    "file misses size": _file("metadata/1.json", "size", drop=True),
    "size a string": _file("metadata/1.json", "size", "12"),
    "size a bool": _file("metadata/1.json", "size", True),
    "sha256 an int": _file("metadata/1.json", "sha256", 5),
    "sha256 upper case": lambda m: _file(
        "metadata/1.json", "sha256", m["files"]["metadata/1.json"]["sha256"].upper()
    )(m),
    "file entry a string": lambda m: m["files"].__setitem__("metadata/1.json", "x"),
    "unused file entry": lambda m: m["files"].__setitem__(
        "notes.txt", {"sha256": "0" * 64, "size": 0}
    ),
    "image_cid not a CID": _tok("image_cid", "Qm123"),
    "wrong format": lambda m: m.update(format="other/2"),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampered_manifest_is_refused_with_a_reason(coll, name):
    _edit_manifest(coll, TAMPERS[name])
    with pytest.raises(CollectionError) as info:
        load_collection(coll)
    assert "manifest" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        "null",
        '{"format": "chainmind-collection/1", "format": "x"}',  # duplicate key
        "\udcff",
    ],
)
def test_manifest_that_is_not_a_json_object_is_refused(coll, text):
    (coll / "manifest.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(CollectionError):
        load_collection(coll)


def test_untampered_collection_loads(coll):
    col = load_collection(coll)
    assert col.name == "Drop" and col.items == {it.token_id: it for it in V1}


# ----- 3. token ids and paths cannot write outside the directory --------------------
@pytest.mark.parametrize("tid", ["../../evil", "1", True, -1, 2**256, 1.0, None])
def test_token_id_must_be_a_uint256_int(tmp_path, tid):
    with pytest.raises(CollectionError):
        CollectionItem(tid, V1[0].image, V1[0].metadata)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(CollectionError):
        save_collection(tmp_path / "sub" / "c", "x", [_FakeItem(tid)])
    assert sorted(p.name for p in tmp_path.rglob("*")) in (before, [*before, "sub"])
    assert not list(tmp_path.rglob("*evil*"))


class _FakeItem:  # duck-typed item that skipped CollectionItem's own checks
    def __init__(self, tid):
        self.token_id, self.image, self.metadata = tid, b"x", b"{}"


def test_other_bad_arguments_are_collection_errors(tmp_path):
    for path in (None, 5, "", b"/tmp/x"):
        with pytest.raises(CollectionError):
            save_collection(path, "x", V1)
        with pytest.raises(CollectionError):
            load_collection(path)
    with pytest.raises(CollectionError):
        save_collection(tmp_path / "c", None, V1)
    with pytest.raises(CollectionError):
        CollectionItem(1, "not bytes", V1[0].metadata)
    buf = bytearray(V1[0].image)
    item = CollectionItem(1, buf, V1[0].metadata)
    buf[:] = b"rewritten"
    assert item.image == V1[0].image  # a copy was kept, not the caller's buffer


# ----- 4. a save killed at any step leaves a complete collection --------------------
KILL = """
import os, shutil, sys
sys.path.insert(0, {tests!r})
from refimpl.nft import collection
from test_nft_files import V2

step, target, exchange, fsync = {step}, {target!r}, {exchange}, {fsync}
count = [0]

def after(fn):
    def wrapped(*a, **k):
        out = fn(*a, **k)
        count[0] += 1
        if count[0] == step:
            os._exit(9)  # killed: no finally, no cleanup
        return out
    return wrapped

os.rename = after(os.rename)
shutil.rmtree = after(shutil.rmtree)
if fsync:
    collection._fsync_dir = after(collection._fsync_dir)
if exchange:
    collection._exchange = after(collection._exchange)
else:
    collection._exchange = lambda a, b: False
collection.save_collection(target, "Drop 2", V2)
print("finished after", count[0], "steps")
"""


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
def test_save_killed_between_any_two_steps_leaves_old_or_new(tmp_path, exchange):
    outcomes = set()
    for step in range(1, 16):
        target = tmp_path / f"k{step}" / "drop"
        save_collection(target, "Drop", V1)
        result = _run(
            KILL.format(
                tests=str(ROOT / "tests"),
                step=step,
                target=str(target),
                exchange=exchange,
                fsync=True,
            )
        )
        if result.returncode == 0:
            break  # the save finished: every step has been tried
        assert result.returncode == 9, result.stderr[-2000:]
        if exchange:  # one atomic exchange: the path is never empty
            assert (target / "manifest.json").is_file()
        col = load_collection(target)  # recovers a renamed-aside collection
        assert col.name in ("Drop", "Drop 2")
        assert col.items == {
            it.token_id: it for it in (V1 if col.name == "Drop" else V2)
        }
        outcomes.add(col.name)
        save_collection(target, "Drop 3", V1)  # and the next save cleans up
        assert sorted(p.name for p in target.parent.iterdir()) == ["drop"]
    else:
        pytest.fail("the save never finished within 15 steps")
    assert outcomes == {"Drop", "Drop 2"}, outcomes  # both sides of the switch seen
    assert step >= 3


def test_killed_save_between_the_two_renames_leaves_the_old_one_recoverable(tmp_path):
    target = tmp_path / "drop"
    save_collection(target, "Drop", V1)
    # rename-aside mode, killed right after the first rename: nothing at the path yet
    result = _run(
        KILL.format(
            tests=str(ROOT / "tests"),
            step=1,
            target=str(target),
            exchange=False,
            fsync=False,
        )
    )
    assert result.returncode == 9
    assert not target.exists()
    assert any(p.name.startswith(".drop.old-") for p in tmp_path.iterdir())
    assert load_collection(target).name == "Drop"  # the old one is back
    assert target.is_dir()


def test_save_in_a_process_that_is_still_running_keeps_its_temporary(tmp_path):
    target = tmp_path / "drop"
    live = tmp_path / f".drop.tmp-{os.getpid()}-abc"
    dead = tmp_path / ".drop.tmp-999999999-abc"
    live.mkdir()
    dead.mkdir()
    save_collection(target, "Drop", V1)
    assert live.exists() and not dead.exists()


def test_save_never_replaces_what_is_not_a_collection(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("precious")
    afile = tmp_path / "afile"
    afile.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(home)
    for target in (home, afile, link):
        with pytest.raises(CollectionError):
            save_collection(target, "Drop", V1)
    assert (home / "thesis.tex").read_text() == "precious"
    assert afile.read_text() == "x" and link.is_symlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert load_collection(save_collection(empty, "Drop", V1)).name == "Drop"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "afile",
        "empty",
        "home",
        "link",
    ]


def test_unreadable_file_is_a_collection_error(coll):
    victim = coll / "metadata" / "1.json"
    victim.unlink()
    victim.mkdir()  # a directory where a file should be
    (victim / "x").write_text("x")
    with pytest.raises(CollectionError):
        load_collection(coll)
    with pytest.raises(CollectionError):
        load_collection(coll / "manifest.json")  # a file, not a directory
