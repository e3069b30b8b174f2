"""``io.kestra.plugin.aws.s3``: objects in S3 buckets, and a polling trigger on them."""
