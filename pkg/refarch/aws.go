package refarch

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// AWS is real AWS with the credentials of the usual chain (environment, shared config and SSO, instance roles).
// Region defaults to $AWS_REGION, then $AWS_DEFAULT_REGION.
type AWS struct {
	Region string
}

func (a AWS) prepare(string, string) (map[string]any, error) {
	region := a.Region
	for _, v := range []string{os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")} {
		if region == "" {
			region = v
		}
	}
	if region == "" {
		return nil, fmt.Errorf("refarch: %w: no AWS region: set AWS.Region or AWS_REGION", ErrInvalid)
	}
	return map[string]any{"region": region}, nil
}

func (AWS) env() map[string]string { return nil }

func (AWS) beforeDestroy(context.Context, *tfexec.Terraform) error { return nil }
