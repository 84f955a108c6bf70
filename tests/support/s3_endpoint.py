"""An S3-compatible endpoint on loopback (moto's server) with one bucket, for staging on "S3" in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from moto.server import ThreadedMotoServer

KEY_ID, SECRET = "presswatch-test", "presswatch-test-secret"


@contextmanager
def s3_bucket(bucket: str = "staging") -> Iterator[str]:
    """The endpoint URL (http://127.0.0.1:PORT) of a fresh server holding `bucket`, stopped afterwards."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )  # fmt: skip
        client.create_bucket(Bucket=bucket)
        yield endpoint
    finally:
        server.stop()
