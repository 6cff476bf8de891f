package refarch

import "regexp"

var ingestionNameRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// Ingestion is architecture 176: IoT Core → Kinesis → Firehose (Lambda transform) → S3 → SQS → Lambda → Athena →
// scheduled reports (modules/ingestion via examples/ingestion). Zero values take the module's defaults. In the
// sandbox, Firehose delivery needs the harness's stand-in (see test/ingestion_test.go); `sandbox up` deploys the
// pipeline without it.
type Ingestion struct {
	// Name prefixes every resource: 1-32 lowercase letters, digits or '-', starting with a letter. Required.
	Name string `tf:"name"`
	// ReportTimezone is the IANA time zone of the report schedules (default UTC).
	ReportTimezone string `tf:"report_timezone"`
	// QueueVisibilityTimeoutSeconds and QueueMaxReceiveCount tune the object-notification queue.
	QueueVisibilityTimeoutSeconds int `tf:"queue_visibility_timeout_seconds"`
	QueueMaxReceiveCount          int `tf:"queue_max_receive_count"`
	// BucketForceDestroy lets Destroy delete the buckets with their data (default true: the example is disposable;
	// false keeps the data, the module's own default).
	BucketForceDestroy *bool `tf:"bucket_force_destroy"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource.
	Tags map[string]string `tf:"tags"`
}

// IngestionOutputs are the deployment's outputs.
type IngestionOutputs struct {
	IngestionBucketName    string `json:"ingestion_bucket_name"`
	ReportingBucketName    string `json:"reporting_bucket_name"`
	DeliveryStreamName     string `json:"delivery_stream_name"`
	KinesisStreamName      string `json:"kinesis_stream_name"`
	IoTTopicPrefix         string `json:"iot_topic_prefix"`
	IoTDataEndpoint        string `json:"iot_data_endpoint"`
	TransformFunctionName  string `json:"transform_function_name"`
	PartitionsFunctionName string `json:"partitions_function_name"`
	NotificationQueueURL   string `json:"notification_queue_url"`
	NotificationDLQURL     string `json:"notification_dlq_url"`
	GlueDatabaseName       string `json:"glue_database_name"`
	GlueTableName          string `json:"glue_table_name"`
	AthenaWorkgroup        string `json:"athena_workgroup"`
	AlarmTopicARN          string `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (Ingestion) Example() string { return "ingestion" }

// Validate implements Architecture.
func (a Ingestion) Validate() error {
	var c checks
	c.add(ingestionNameRule.MatchString(a.Name), "name must be 1-32 lowercase letters, digits or '-', starting with a letter.")
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// Variables implements Architecture.
func (a Ingestion) Variables() map[string]any { return variables(a) }

func (Ingestion) sandboxStandIns() standIns {
	return standIns{mappings: []string{"partitions_function_name"}}
}

func (Ingestion) functions() map[string]string {
	return map[string]string{"transform_function_name": "transform", "partitions_function_name": "partitions"}
}
