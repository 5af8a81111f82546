"""Generates the Python stubs of hipstershop.proto.

`make protos` runs it; a test checks that the committed stubs are current.
"""

import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO = Path("shop/rpc/protos/hipstershop.proto")


def generate(out_dir: Path = ROOT) -> None:
    """Writes shop/rpc/protos/hipstershop_pb2{,_grpc}.py(i) under out_dir."""
    (out_dir / PROTO.parent).mkdir(parents=True, exist_ok=True)
    include = Path(protoc.__file__).parent / "_proto"
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{ROOT}",
            f"-I{include}",
            f"--python_out={out_dir}",
            f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            str(ROOT / PROTO),
        ]
    )
    if status != 0:
        raise SystemExit(f"protoc failed with status {status}")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
