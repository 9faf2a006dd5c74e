"""Signing keys: init, rotate, load (folder and environment), refusals."""

from __future__ import annotations

import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import run_cli
from generator.keys import KeyProblem, init_keys, key_id, load_keys, rotate_keys


@pytest.fixture
def root(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750377600")  # 2025-06-20
    monkeypatch.delenv("VITRINE_OB2_KEY", raising=False)
    monkeypatch.delenv("VITRINE_OB3_KEY", raising=False)
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text("title: T\nbase_url: https://badges.example.org/\n", encoding="utf-8")
    return site


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_init_makes_both_keys_private(root):
    made = init_keys(root)
    assert [p.name for p in made] == ["ob2-rsa-20250620.pem", "ob3-ed25519-20250620.pem"]
    assert stat.S_IMODE((root / "keys").stat().st_mode) == 0o700
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8
    keys = load_keys(root)
    assert isinstance(keys.current_rsa.private_key, rsa.RSAPrivateKey)
    assert keys.current_rsa.private_key.key_size == 2048
    assert isinstance(keys.current_ed25519.private_key, ed25519.Ed25519PrivateKey)
    assert keys.current_rsa.created == date(2025, 6, 20) and keys.current_rsa.retired is None
    assert keys.current_rsa.kid == key_id(keys.current_rsa.public_key) and len(keys.current_rsa.kid) == 16
    assert "PRIVATE" not in repr(keys.current_rsa)
    assert keys.current_rsa.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert init_keys(root) == []  # already there: nothing made, nothing overwritten
    assert load_keys(root).current_rsa.kid == keys.current_rsa.kid


def test_rotate_retires_and_keeps(root):
    init_keys(root)
    first = load_keys(root)
    made = rotate_keys(root)
    assert [p.name for p in made] == ["ob2-rsa-20250620-2.pem", "ob3-ed25519-20250620-2.pem"]
    keys = load_keys(root)
    assert [k.kid for k in keys.rsa] == [first.current_rsa.kid, keys.current_rsa.kid]
    assert keys.rsa[0].retired == date(2025, 6, 20) and keys.current_rsa.retired is None
    assert keys.ed25519[0].kid == first.current_ed25519.kid and keys.ed25519[0].retired == date(2025, 6, 20)
    assert first.current_rsa.kid in (root / "keys" / "retired.yaml").read_text()
    rotate_keys(root, kinds=("rsa",))
    keys = load_keys(root)
    assert len(keys.rsa) == 3 and len(keys.ed25519) == 2 and keys.ed25519[1].retired is None


def test_refuses_published_folders(root):
    for where in ("content/keys", "output/keys", "static/k"):
        with pytest.raises(KeyProblem, match="inside"):
            init_keys(root, where)
    assert not (root / "content").exists() and not (root / "output").exists()


def test_refuses_git_tracked_or_not_ignored(root):
    git(root, "init", "-q")
    with pytest.raises(KeyProblem, match="not ignored by git: add the line /keys/ to .gitignore"):
        init_keys(root)
    assert not (root / "keys").exists()
    (root / ".gitignore").write_text("/keys/\n")
    init_keys(root)
    (root / "secrets").mkdir()
    (root / "secrets" / "x.txt").write_text("x")
    git(root, "add", "-f", "secrets/x.txt")
    (root / ".gitignore").write_text("/keys/\n/secrets/\n")
    with pytest.raises(KeyProblem, match="tracked by git"):
        init_keys(root, "secrets")


def test_environment_keys(root, monkeypatch):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    old = ed25519.Ed25519PrivateKey.generate()
    new = ed25519.Ed25519PrivateKey.generate()
    pems = [k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode() for k in (old, new)]
    monkeypatch.setenv("VITRINE_OB2_KEY", pem.replace("\n", "\\n"))  # a one-line CI secret
    monkeypatch.setenv("VITRINE_OB3_KEY", f"Created: 2024-01-01\nRetired: 2025-01-01\n{pems[0]}"
                                          f"Created: 2025-01-01\n{pems[1]}")
    keys = load_keys(root)  # no keys/ folder at all
    assert keys.current_rsa.kid == key_id(key.public_key()) and keys.current_rsa.source == "$VITRINE_OB2_KEY"
    assert [k.kid for k in keys.ed25519] == [key_id(old.public_key()), key_id(new.public_key())]
    assert keys.ed25519[0].retired == date(2024 + 1, 1, 1) and keys.current_ed25519.kid == key_id(new.public_key())
    monkeypatch.setenv("VITRINE_OB3_KEY", pem)
    with pytest.raises(KeyProblem, match=r"\$VITRINE_OB3_KEY \(key 1\): expected an Ed25519 private key"):
        load_keys(root)
    monkeypatch.setenv("VITRINE_OB3_KEY", "not a key")
    with pytest.raises(KeyProblem, match="no PEM private key"):
        load_keys(root)


def test_bad_key_file(root):
    init_keys(root)
    (root / "keys" / "ob2-rsa-20250620.pem").write_text("garbage")
    with pytest.raises(KeyProblem, match=r"^keys/ob2-rsa-20250620.pem: not a PEM private key$"):
        load_keys(root)


def test_cli(root):
    status, out, err = run_cli("keys", "init", "--site", str(root))
    assert status == 0 and "keys/ob2-rsa-20250620.pem" in out and not err
    status, out, err = run_cli("keys", "rotate", "--site", str(root), "--only", "ob2")
    assert status == 0 and "ob2-rsa-20250620-2.pem" in out
    status, out, err = run_cli("keys", "list", "--site", str(root))
    assert status == 0 and out.count("retired 2025-06-20") == 1 and "BEGIN" not in out
    (root / "site.yaml").write_text("title: T\nbase_url: https://badges.example.org/\nsigning: {keys: content}\n")
    status, out, err = run_cli("keys", "init", "--site", str(root))
    assert status == 1 and err.startswith("vitrine: keys folder content/ is inside content/") and "Traceback" not in err


@pytest.mark.parametrize("written", ['4548442717486087: 2025-06-20', '0123456789012345: 2025-06-20  # keys/old.pem',
                                     '"4548442717486087": 2025-06-20', "'abcdef0123456789': 2025-06-20"])
def test_retired_key_ids_of_digits_stay_text(tmp_path, written):
    """A key id of 16 decimal digits (one in 2,000 ids) is a number to YAML: it must still read as
    the id it is, whether written quoted (as rotate does now) or not (as it did before). CI met one."""
    from generator.keys import _read_retired, _write_retired

    (tmp_path / "retired.yaml").write_text(f"# retired keys\n{written}\n", encoding="utf-8")
    kid = written.split(":")[0].strip("\"'")
    (got_day, got_source), = _read_retired(tmp_path).values()
    assert list(_read_retired(tmp_path)) == [kid] and got_day == date(2025, 6, 20)
    assert got_source == ("keys/old.pem" if "#" in written else "")
    _write_retired(tmp_path, {kid: (got_day, "keys/x.pem")})
    assert _read_retired(tmp_path) == {kid: (date(2025, 6, 20), "keys/x.pem")}


def test_retired_file_with_a_bad_date_is_named(tmp_path):
    from generator.keys import _read_retired

    (tmp_path / "retired.yaml").write_text('"abcdef0123456789": 2025-13-40\n', encoding="utf-8")
    with pytest.raises(KeyProblem, match="abcdef0123456789: expected a key id"):
        _read_retired(tmp_path)


def test_rotate_compromised_withdraws_the_keys_in_use_and_says_what_to_do(root):
    """A leaked key could only be retired, which leaves it verifying what it signed (and what a thief
    signs with it, dated before the rotation). `rotate --compromised` withdraws it."""
    init_keys(root)
    first = load_keys(root)
    status, out, err = run_cli("keys", "rotate", "--compromised", "--site", str(root))
    assert status == 0 and not err, err
    keys = load_keys(root)
    old_rsa, old_ed = keys.rsa[0], keys.ed25519[0]
    assert (old_rsa.kid, old_ed.kid) == (first.current_rsa.kid, first.current_ed25519.kid)
    assert old_rsa.withdrawn == old_rsa.retired == date(2025, 6, 20) and old_ed.withdrawn == date(2025, 6, 20)
    assert keys.current_rsa.kid not in (old_rsa.kid, old_ed.kid) and keys.current_rsa.withdrawn is None
    assert keys.current_ed25519.source == "keys/ob3-ed25519-20250620-2.pem"
    assert "Made keys/ob2-rsa-20250620-2.pem" in out and "Made keys/ob3-ed25519-20250620-2.pem" in out
    assert f"Withdrew {old_rsa.kid} (ob2 rsa, keys/ob2-rsa-20250620.pem) as of 2025-06-20" in out
    assert f"Withdrew {old_ed.kid} (ob3 ed25519, keys/ob3-ed25519-20250620.pem)" in out
    for step in ("vitrine build", "Deploy output/", "download it again from their award page", "never delete it"):
        assert step in out
    assert "BEGIN" not in out and "$VITRINE" not in out
    withdrawn = (root / "keys" / "withdrawn.yaml").read_text()
    assert f'"{old_rsa.kid}": 2025-06-20  # keys/ob2-rsa-20250620.pem' in withdrawn
    assert stat.S_IMODE((root / "keys" / "withdrawn.yaml").stat().st_mode) == 0o600
    status, out, err = run_cli("keys", "list", "--site", str(root))
    assert out.count("withdrawn 2025-06-20") == 2 and out.count("current") == 2


def test_withdraw_a_key_by_its_id(root):
    init_keys(root)
    old = load_keys(root).current_rsa
    rotate_keys(root, kinds=("rsa",))  # retired, then found to have leaked: no new key needed
    status, out, err = run_cli("keys", "withdraw", old.kid, "--site", str(root))
    assert status == 0 and "Made" not in out and f"Withdrew {old.kid}" in out, out + err
    keys = load_keys(root)
    assert keys.rsa[0].withdrawn == date(2025, 6, 20) and keys.current_rsa.kid == keys.rsa[1].kid
    assert [p.name for p in sorted((root / "keys").glob("*.pem"))] == [
        "ob2-rsa-20250620-2.pem", "ob2-rsa-20250620.pem", "ob3-ed25519-20250620.pem"]  # nothing deleted
    status, out, err = run_cli("keys", "withdraw", old.kid, "--site", str(root))
    assert status == 0 and f"{old.kid} (ob2 rsa) was already withdrawn on 2025-06-20." in out
    # the current Ed25519 key: withdrawn, and a new one made to sign
    ed = keys.current_ed25519.kid
    status, out, err = run_cli("keys", "withdraw", ed, "--site", str(root))
    assert status == 0 and "Made keys/ob3-ed25519-20250620-2.pem" in out
    assert load_keys(root).current_ed25519.kid != ed
    status, out, err = run_cli("keys", "withdraw", "0123456789abcdef", "--site", str(root))
    assert status == 1 and err == ("vitrine: no key 0123456789abcdef in keys/ nor in the environment "
                                   "(`vitrine keys list` shows the key ids)\n")


def test_a_withdrawn_environment_key(root, monkeypatch):
    """In CI, the keys folder is not there: the secret says which key was withdrawn."""
    old, new = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    pems = [k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode() for k in (old, new)]
    monkeypatch.setenv("VITRINE_OB3_KEY", f"Created: 2024-01-01\nWithdrawn: 2025-02-01\n{pems[0]}"
                                          f"Created: 2025-02-01\n{pems[1]}")
    keys = load_keys(root)
    assert keys.ed25519[0].withdrawn == keys.ed25519[0].retired == date(2025, 2, 1)
    assert keys.current_ed25519.kid == key_id(new.public_key())
    monkeypatch.setenv("VITRINE_OB3_KEY", f"Withdrawn: 2025-02-01\n{pems[0]}")
    status, out, err = run_cli("keys", "list", "--site", str(root))
    assert "withdrawn 2025-02-01 $VITRINE_OB3_KEY" in out
