"""Parquet files with each compression codec writers use, for test/table-codecs.test.ts.

Run with pyarrow (from the machine's wheel store, in a virtual environment):
    python scripts/parquet-codec-fixtures.py test/fixtures/parquet
Each file holds the bundled penguins table (text, numbers and missing cells as pandas reads them)
plus a timestamp column with a missing cell and a boolean column, in two row groups.
"""

import sys

import pandas as pd
import pyarrow as pa
import pyarrow.feather  # noqa: F401 (pa.feather)
import pyarrow.parquet as pq

out = sys.argv[1]
frame = pd.read_csv("data/penguins.csv")
n = len(frame)
frame["observed"] = pd.to_datetime("2007-11-01T00:00:00Z") + pd.to_timedelta(range(n), unit="h")
frame.loc[5, "observed"] = pd.NaT
frame["tagged"] = [i % 3 == 0 for i in range(n)]
table = pa.Table.from_pandas(frame, preserve_index=False)
for codec in ["none", "snappy", "gzip", "brotli", "zstd", "lz4"]:
    pq.write_table(table, f"{out}/penguins-{codec}.parquet", compression=codec, row_group_size=200)
# The same table as Arrow IPC (file format), for the Arrow reader's nulls.
with pa.OSFile(f"{out}/penguins.arrow", "wb") as sink:
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=200)

# The fuzz seeds of test/table-decode-faults.test.ts (written to test/fixtures/hostile/): a small
# table with a null in each column, two row groups or record batches, as Parquet (snappy), an Arrow
# file and an Arrow stream. The hostile fixtures beside them are byte mutations of these seeds.
seed = pa.table(
    {
        "x": [1.5, 2.0, None, 4.0, 5.5, 6.0, 7.0, 8.0] * 4,
        "s": ["a", "b", None, "a", "c", "b", "a", "a"] * 4,
        "n": pa.array([1, 2, 3, 4, 5, 6, 7, None] * 4, pa.int32()),
    }
)
hostile = f"{out}/../hostile"
pq.write_table(seed, f"{hostile}/fuzz-seed.parquet", compression="snappy", row_group_size=16)
pa.feather.write_feather(seed, f"{hostile}/fuzz-seed.arrow", compression="uncompressed")
with pa.ipc.new_stream(f"{hostile}/fuzz-seed.arrows", seed.schema) as writer:
    writer.write_table(seed, max_chunksize=16)
