package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
)

// providerData is what the provider's Configure hands to every resource,
// data source and ephemeral resource as ResourceData / DataSourceData /
// EphemeralResourceData. Get it in their Configure method with
// providerDataFrom, and the AWS clients in CRUD/Read with AWS().
type providerData struct {
	version string
	// apis builds the resources' AWS managers from the clients, and is
	// their clock: the real ones unless a test passed an Option to New.
	apis resourceAPIs
	// Exactly one of clients and awsErr is set.
	clients *awsconfig.Clients
	awsErr  error
	// defaultTags are the provider's default_tags: resources put them on
	// the AWS objects they create that AWS can tag. Nil without any.
	defaultTags map[string]string
}

// AWS returns the AWS client factory, or an error diagnostic when the
// provider configuration does not allow calling AWS (no Region, or values
// still unknown). Call it where AWS is needed, not in Configure, so that
// resources that make no AWS call keep working without a Region.
func (d *providerData) AWS() (*awsconfig.Clients, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Unconfigured refarch provider",
			"The refarch provider was not configured before an AWS call. This is a bug in the provider: please report it.")
		return nil, diags
	}
	if d.awsErr != nil {
		diags.AddError("Cannot call AWS with this refarch provider configuration", d.awsErr.Error())
		return nil, diags
	}
	return d.clients, diags
}

// providerDataFrom converts the ProviderData of a resource's, data source's
// or ephemeral resource's ConfigureRequest. It returns nil and no diagnostics
// while the provider is not configured yet (ProviderData is nil during
// validation), so a Configure method should just return on nil:
//
//	func (r *fooResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
//		data, diags := providerDataFrom(req.ProviderData)
//		resp.Diagnostics.Append(diags...)
//		r.data = data
//	}
func providerDataFrom(v any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil {
		return nil, diags
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data type",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the provider: please report it.", v))
		return nil, diags
	}
	return data, diags
}

// resourceAPIs is what a provider instance hands its resources besides the
// AWS configuration. New starts from defaultAPIs; an Option replaces a part.
type resourceAPIs struct {
	now     func() time.Time
	keypair func(*awsconfig.Clients) *keypairManager
	report  func(*awsconfig.Clients) *reportScheduleManager
}

func defaultAPIs() resourceAPIs {
	return resourceAPIs{now: time.Now, keypair: newKeypairManager, report: newReportScheduleManager}
}

// now is the resources' clock; time.Now before the provider is configured.
func (d *providerData) now() time.Time {
	if d == nil || d.apis.now == nil {
		return time.Now()
	}
	return d.apis.now()
}
