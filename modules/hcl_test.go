package modules

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TFFile is one parsed .tf file of a directory.
type TFFile struct {
	Path string
	Body *hclsyntax.Body
}

// ParseTFDir parses every *.tf file of dir; the tests that read modules' HCL (here and in modules_test) share it.
func ParseTFDir(dir string) ([]TFFile, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	p := hclparse.NewParser()
	out := make([]TFFile, 0, len(files))
	for _, f := range files {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %v", f, diags)
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			return nil, fmt.Errorf("%s: not native HCL syntax", f)
		}
		out = append(out, TFFile{Path: f, Body: body})
	}
	return out, nil
}
