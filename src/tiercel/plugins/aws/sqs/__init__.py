"""``io.kestra.plugin.aws.sqs``: publish to and consume from SQS queues."""
