"""Amazon Web Services plugins (``io.kestra.plugin.aws.*``): S3, SQS and DynamoDB.

The tasks talk to AWS through boto3, imported only when one of them runs (``pip install
'tiercel[aws]'``). Like every plugin package it imports ``tiercel.sdk`` (and the shared
``tiercel.plugins.cloud`` helpers) and nothing else of Tiercel.
"""
