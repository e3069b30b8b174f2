"""``io.kestra.plugin.aws.dynamodb``: put, get, delete, query and scan DynamoDB items."""
