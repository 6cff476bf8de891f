package sandbox

// Sandbox-only switches of examples/ingestion (architecture 176), one group per kumo gap, each naming the missing
// API. The module's real-AWS defaults stay on; these only apply to the local sandbox.
var (
	// IoT Core is not offered by kumo at all (no CreateTopicRule, CreatePolicy, DescribeEndpoint); producers put to
	// Firehose directly (cmd/devicesim -target firehose against the stand-in, internal/sandbox/firehose.go).
	kumoIoT = map[string]any{"iot_rule": false}

	// Kinesis: CreateStream works, but the AWS provider's create also calls IncreaseStreamRetentionPeriod and
	// ListTagsForStream, which fail; Firehose is then Direct PUT.
	kumoKinesis = map[string]any{"kinesis_stream": false}

	kumoFirehose = map[string]any{
		// StartDeliveryStreamEncryption is not implemented and DescribeDeliveryStream returns no
		// DeliveryStreamEncryptionConfiguration.
		"firehose_encryption": false,
		// DescribeDeliveryStream drops the extended S3 destination's S3BackupDescription, so the backup
		// configuration would drift on every plan.
		"firehose_source_backup": false,
	}

	kumoGlueAthena = map[string]any{
		// Athena: CreateWorkGroup works but GetWorkGroup (the provider's read) does not; queries run in "primary".
		"athena_workgroups": false,
		// Glue: no partitions API (BatchCreatePartition, GetPartitions); the partitions function registers them with
		// Athena DDL instead, which kumo records (StartQueryExecution).
		"partition_registration": "athena",
		// Not an API gap: with skip_requesting_account_id (see override.go) the provider has no account id and the
		// Glue ids would come out as ":<name>"; the caller's account as kumo's STS reports it.
		"glue_catalog_id": "000000000000",
		// Glue: GetPartitionIndexes is not implemented, and the provider reads every table with it; the table is left
		// out (the functions and reports name it; kumo's Athena does not check).
		"glue_table": false,
	}

	kumoIngestionExtras = map[string]any{
		// Lambda: CreateEventSourceMapping drops FunctionResponseTypes, so ["ReportBatchItemFailures"] would drift;
		// the harness's poller (eventsource.go) honours a batchItemFailures answer anyway.
		"report_batch_item_failures": false,
		// Glue: GetTags returns no tags for the database, so any tag drifts.
		"tags": map[string]any{},
	}
)

func init() {
	localProfiles["ingestion"] = merge(kumoS3, kumoIoT, kumoKinesis, kumoFirehose, kumoGlueAthena, kumoSQS, kumoIngestionExtras,
		// Shared with the other examples (profile.go, profile_microservices_async.go): no TreatMissingData read back, no key
		// rotation for the alarm topic's key.
		kumoAlarms, kumoKeyRotation, sandboxBucketsForceDestroy)
}
