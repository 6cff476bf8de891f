package provider

// The provider's default_tags block: tags the provider puts on the AWS
// objects its resources create that AWS can tag (the signed-URL key pair's
// secret, the report schedule's IAM role), like the default_tags block of the
// hashicorp/aws provider. The real-AWS tests put their refarch:test-run tag
// here, so that `make sweep-aws` finds what a failed run leaves behind.

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ validator.String = noAWSPrefixValidator{}

const (
	// maxDefaultTags is how many default tags the provider accepts: AWS
	// allows 50 tags on a secret or an IAM role, and the key pair's secret
	// carries one tag of its own.
	maxDefaultTags = 49
	// maxTagKeyLength and maxTagValueLength are the limits of IAM and
	// Secrets Manager (in Unicode characters).
	maxTagKeyLength   = 128
	maxTagValueLength = 256
)

// tagCharsPattern is the character set IAM and Secrets Manager accept in
// tag keys and values: letters, digits, spaces and _.:/=+-@.
var tagCharsPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// defaultTagsModel maps the `default_tags` block.
type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

// defaultTagsBlock is the schema of the `default_tags` block.
func defaultTagsBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Tags the provider puts on every AWS object its resources create that AWS can tag, " +
			"mirroring the `default_tags` block of the `hashicorp/aws` provider (the same `tags` map can be passed to " +
			"both). Optional, at most one block. Today these are the Secrets Manager secret of " +
			"`refarch_signed_url_keypair` and the IAM role `refarch_athena_report_schedule` creates when `role_arn` is " +
			"unset; a resource's own tags win over a default tag with the same key. CloudFront public keys and key " +
			"groups, Athena named queries and EventBridge Scheduler schedules cannot be tagged and get none. The tags " +
			"are sent when an object is created, and added again whenever the resource is updated for another " +
			"reason (a failure then is a warning); changing only `default_tags` plans no change, and a key removed from `default_tags` stays on " +
			"objects that already carry it. Resources do not show the tags as attributes.",
		Attributes: map[string]schema.Attribute{
			"tags": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: fmt.Sprintf("Map of tag keys to values, for example "+
					"`{ \"refarch:test-run\" = \"20261201T101500Z-1a2b3c4d\" }`. At most %d tags. Keys are 1 to %d "+
					"characters and must not start with `aws:` (in any case), which AWS reserves; values are up to %d "+
					"characters. Keys and values may contain letters, digits, spaces and `_.:/=+-@`. Defaults to no tags.",
					maxDefaultTags, maxTagKeyLength, maxTagValueLength),
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxDefaultTags),
					mapvalidator.KeysAre(
						stringvalidator.LengthBetween(1, maxTagKeyLength),
						stringvalidator.RegexMatches(tagCharsPattern, "must contain only letters, digits, spaces and _.:/=+-@"),
						noAWSPrefixValidator{},
					),
					mapvalidator.ValueStringsAre(
						stringvalidator.LengthAtMost(maxTagValueLength),
						stringvalidator.RegexMatches(tagCharsPattern, "must contain only letters, digits, spaces and _.:/=+-@"),
					),
				},
			},
		},
	}
}

// noAWSPrefixValidator refuses tag keys that start with `aws:` in any case:
// AWS reserves them and refuses them in CreateSecret, CreateRole and
// TagResource.
type noAWSPrefixValidator struct{}

func (noAWSPrefixValidator) Description(_ context.Context) string {
	return "value must not start with aws: (in any case)"
}

func (noAWSPrefixValidator) MarkdownDescription(_ context.Context) string {
	return "value must not start with `aws:` (in any case)"
}

func (noAWSPrefixValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); strings.HasPrefix(strings.ToLower(v), "aws:") {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved tag key",
			fmt.Sprintf("The tag key %q starts with aws:, which AWS reserves for its own tags: choose another key.", v))
	}
}

// defaultTagsFromModel returns the configured default tags (nil when the
// block or its map is absent) and whether they are unknown yet.
func defaultTagsFromModel(m *defaultTagsModel) (tags map[string]string, unknown bool) {
	if m == nil || m.Tags.IsNull() {
		return nil, false
	}
	if m.Tags.IsUnknown() {
		return nil, true
	}
	tags = make(map[string]string, len(m.Tags.Elements()))
	for k, v := range m.Tags.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return nil, true
		}
		if !s.IsNull() {
			tags[k] = s.ValueString()
		}
	}
	return tags, false
}

// mergeTags returns defaults with own on top: a resource's own tags win
// over default tags with the same key. Nil when both are empty.
func mergeTags(defaults, own map[string]string) map[string]string {
	if len(defaults)+len(own) == 0 {
		return nil
	}
	out := maps.Clone(defaults)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, own)
	return out
}

// secretsManagerTags converts tags for Secrets Manager, sorted by key.
func secretsManagerTags(tags map[string]string) []smtypes.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]smtypes.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, smtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// iamTags converts tags for IAM, sorted by key.
func iamTags(tags map[string]string) []iamtypes.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]iamtypes.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}
