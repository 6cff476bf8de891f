package refarch

import "slices"

// MyBlog is architecture 172: CloudFront + private S3 site, a public read-only posts API under /api/* (reachable only
// through the distribution), a welcome e-mail for every new subscriber and thumbnails for uploaded photos
// (modules/myblog via examples/myblog). Zero values take the module's defaults.
type MyBlog struct {
	// Name prefixes every resource: 1-40 lowercase letters, digits or '-', starting with a letter. Required.
	Name string `tf:"name"`
	// SenderAddress is the address welcome e-mails come from (SES verifies it). Required.
	SenderAddress string `tf:"sender_address"`
	// PostsAPI builds the posts API (default true).
	PostsAPI *bool `tf:"posts_api"`
	// PostsReplicaRegions make the posts table a global table.
	PostsReplicaRegions []string `tf:"posts_replica_regions"`
	// PriceClass is PriceClass_All (default), PriceClass_200 or PriceClass_100.
	PriceClass string `tf:"price_class"`
	// TableEncryption is "AWS_MANAGED" (default) or "AWS_OWNED".
	TableEncryption string `tf:"table_encryption"`
	// DeletionProtection protects the users and posts tables from deletion (default false: the example is disposable; the module's own default is true).
	DeletionProtection bool `tf:"deletion_protection"`
	// BucketForceDestroy lets Destroy delete the buckets with their files (default true: the example is disposable;
	// false keeps the files, the module's own default).
	BucketForceDestroy *bool `tf:"bucket_force_destroy"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource.
	Tags map[string]string `tf:"tags"`
}

// MyBlogOutputs are the deployment's outputs.
type MyBlogOutputs struct {
	DistributionID         string `json:"distribution_id"`
	DistributionDomainName string `json:"distribution_domain_name"`
	SiteBucketName         string `json:"site_bucket_name"`
	UploadsBucketName      string `json:"uploads_bucket_name"`
	UsersTableName         string `json:"users_table_name"`
	PostsTableName         string `json:"posts_table_name"`
	WelcomeFunctionName    string `json:"welcome_function_name"`
	ThumbnailFunctionName  string `json:"thumbnail_function_name"`
	PostsFunctionName      string `json:"posts_function_name"`
	UsersStreamARN         string `json:"users_stream_arn"`
	SenderIdentity         string `json:"sender_identity"`
	DLQURL                 string `json:"dlq_url"`
	APIURL                 string `json:"api_url"`
	// OriginVerifyFunctionName is the posts API's authorizer: the API answers only requests that carry the
	// distribution's secret origin header (OriginVerifyHeaderName), so APIURL refuses direct calls (401/403).
	OriginVerifyFunctionName string `json:"origin_verify_function_name"`
	OriginVerifyHeaderName   string `json:"origin_verify_header_name"`
	AlarmTopicARN            string `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (MyBlog) Example() string { return "myblog" }

// Validate implements Architecture.
func (a MyBlog) Validate() error {
	var c checks
	checkName(&c, a.Name)
	c.add(emailRule.MatchString(a.SenderAddress), "sender_address must be a bare e-mail address such as blog@example.com.")
	ok := true
	for _, r := range a.PostsReplicaRegions {
		ok = ok && regionRule.MatchString(r)
	}
	c.add(ok, "posts_replica_regions must hold AWS region names such as eu-west-1 or us-east-2.")
	sorted := slices.Clone(a.PostsReplicaRegions)
	slices.Sort(sorted)
	c.add(len(slices.Compact(sorted)) == len(a.PostsReplicaRegions), "posts_replica_regions must not repeat a region.")
	checkPriceClass(&c, a.PriceClass)
	checkTableEncryption(&c, a.TableEncryption)
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// Variables implements Architecture.
func (a MyBlog) Variables() map[string]any { return variables(a) }

func (MyBlog) sandboxStandIns() standIns {
	return standIns{
		streams:             map[string]string{"welcome_function_name": "users_stream_arn"},
		bucketNotifications: []string{"uploads_bucket_name"},
	}
}

func (MyBlog) functions() map[string]string {
	return map[string]string{
		"posts_function_name": "posts", "origin_verify_function_name": "originverify",
		"welcome_function_name": "welcome", "thumbnail_function_name": "thumbnail",
	}
}
