"""Generates the Python stubs of every .proto in shop/rpc/protos.

`make protos` runs it; a test checks that the committed stubs are current.
"""

import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = Path("shop/rpc/protos")


def protos() -> list[Path]:
    """The .proto files, relative to ROOT (hipstershop.proto, boutique_*.proto)."""
    return sorted(path.relative_to(ROOT) for path in (ROOT / PROTO_DIR).glob("*.proto"))


def generate(out_dir: Path = ROOT) -> None:
    """Writes shop/rpc/protos/<name>_pb2{,_grpc}.py(i) for every .proto under out_dir."""
    (out_dir / PROTO_DIR).mkdir(parents=True, exist_ok=True)
    include = Path(protoc.__file__).parent / "_proto"
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{ROOT}",
            f"-I{include}",
            f"--python_out={out_dir}",
            f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            *(str(ROOT / proto) for proto in protos()),
        ]
    )
    if status != 0:
        raise SystemExit(f"protoc failed with status {status}")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
