"""Outside implementations the conformance kit was validated on (docs/conformance.md), and
subjects with planted defects.  Nothing here belongs to the installed package: each port names
its source repository, commit and licence in its header (licence texts: ``LICENSE.*`` beside it);
implementations whose licence does not allow copying are loaded from their own repository
snapshot at run time (:mod:`benchmarks.peers.unlicensed`) and described, never copied."""
