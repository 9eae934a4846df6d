"""Instance files: round trips, and malformed files name the file and the field."""

import numpy as np
import pytest

from impl.instances import InstanceFileError, load_arrays, save_arrays


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_round_trip(tmp_path, suffix):
    Q = np.arange(6.0).reshape(3, 2)
    save_arrays(tmp_path / f"i{suffix}", Q=Q, K=-Q)
    got = load_arrays(tmp_path / f"i{suffix}", ["Q", "K"])
    np.testing.assert_array_equal(got["Q"], Q)
    np.testing.assert_array_equal(got["K"], -Q)


@pytest.mark.parametrize("content,field", [
    ('{"Q": [[1, 2], [3]]}', "'Q'"), ('{"Q": [["a"]]}', "'Q'"), ('{"K": [[1]]}', "'Q'"),
    ('{"Q": [[NaN]]}', "'Q'"), ('[1, 2]', "top level"), ('{"Q": ', "not valid JSON"),
])
def test_malformed_json(tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InstanceFileError) as info:
        load_arrays(path, ["Q"])
    assert "bad.json" in str(info.value) and field in str(info.value)


def test_npz_refuses_pickled_objects(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, Q=np.array([{"x": 1}], dtype=object))
    with pytest.raises(InstanceFileError, match=r"obj\.npz.*'Q'.*pickle"):
        load_arrays(path, ["Q"])


def test_not_an_archive_and_wrong_suffix(tmp_path):
    (tmp_path / "x.npz").write_bytes(b"not a zip")
    with pytest.raises(InstanceFileError, match=r"x\.npz"):
        load_arrays(tmp_path / "x.npz", ["Q"])
    (tmp_path / "x.csv").write_text("1,2")
    with pytest.raises(InstanceFileError, match=r"\.json or \.npz"):
        load_arrays(tmp_path / "x.csv", ["Q"])
    with pytest.raises(FileNotFoundError, match="missing.json"):
        load_arrays(tmp_path / "missing.json", ["Q"])
