"""One shard's writer in its own process: waits for a go file, then stages BATCHES batches of ROWS rows each.

python tests/support/staging_writer.py URI SHARD BATCHES ROWS GO_FILE [OPTIONS_JSON]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import polars as pl

from warehouse.staging import StagingArea


def main() -> None:
    uri, shard, batches, rows, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
    options = json.loads(sys.argv[6]) if len(sys.argv) > 6 else {}
    area = StagingArea(uri, options)
    while not go.exists():
        time.sleep(0.01)
    for batch in range(batches):
        frame = pl.DataFrame({"article_id": [f"s{shard}-b{batch}-{row}" for row in range(rows)]})
        area.write_batch("articles", frame, run_id="race", shard=shard, batch=batch)


if __name__ == "__main__":
    main()
