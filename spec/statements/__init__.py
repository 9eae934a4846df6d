"""Statement modules: each registers its Lemma records at import (discovered by load_all)."""
