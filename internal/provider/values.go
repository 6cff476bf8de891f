package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

// stringOrNull is s as a framework string, null when s is empty: for optional
// attributes whose AWS value is "" when unset, so that state matches a
// configuration that leaves them out.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
