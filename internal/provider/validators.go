package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
)

var _ validator.String = httpURLValidator{}

// httpURLValidator accepts an absolute http:// or https:// URL with a host,
// or the empty string (which means "unset").
type httpURLValidator struct{}

func (httpURLValidator) Description(_ context.Context) string {
	return "value must be an absolute http:// or https:// URL, or empty"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string {
	return "value must be an absolute `http://` or `https://` URL, or empty"
}

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if err := awsconfig.ValidateEndpointURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL",
			"The endpoint must be an absolute http:// or https:// URL such as http://localhost:4566: "+err.Error()+".")
	}
}
