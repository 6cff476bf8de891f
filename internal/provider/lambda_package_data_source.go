package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/refarch/terraform-provider-refarch/internal/lambdapkg"
)

var (
	_ datasource.DataSource = (*lambdaPackageDataSource)(nil)
	_ validator.String      = lambdaPackageNameValidator{}
)

const (
	lambdaPackageDefaultArch      = lambdapkg.ArchARM64
	lambdaPackageDefaultOutputDir = ".terraform/refarch/lambda"
	lambdaPackageHandler          = "bootstrap"
	lambdaPackageRuntime          = "provided.al2023"
)

// NewLambdaPackageDataSource returns the refarch_lambda_package data source.
func NewLambdaPackageDataSource() datasource.DataSource {
	return &lambdaPackageDataSource{}
}

// lambdaPackageDataSource writes a Lambda deployment zip embedded in the
// provider binary to disk. It makes no AWS call, so it needs no provider data.
type lambdaPackageDataSource struct{}

type lambdaPackageDataSourceModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	Architecture   types.String `tfsdk:"architecture"`
	OutputDir      types.String `tfsdk:"output_dir"`
	Filename       types.String `tfsdk:"filename"`
	SourceCodeHash types.String `tfsdk:"source_code_hash"`
	Handler        types.String `tfsdk:"handler"`
	Runtime        types.String `tfsdk:"runtime"`
}

func (d *lambdaPackageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lambda_package"
}

func (d *lambdaPackageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Writes one of the Go Lambda deployment packages embedded in the refarch provider binary " +
			"to a zip file on disk, ready for `aws_lambda_function`.\n\n" +
			"Why it exists: the reference architecture's Lambda handlers are written in Go and must be compiled " +
			"before they can be deployed. A module user who has only the provider (from a registry) and the " +
			"module's source has no Go toolchain setup or build step to run; the provider release embeds the " +
			"compiled packages (built by `make lambdas` before the provider is built), and this data source " +
			"hands them to the module. The file name contains the package's SHA-256, so each content gets its " +
			"own file; the file is written atomically and only when it is not already present with the same content.\n\n" +
			"The file is written when the data source is read, which is during plan. A plan saved with " +
			"`-out` and applied on another machine or in a fresh checkout needs the file there too: run the apply " +
			"from the same working directory, or refresh the plan there.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the Lambda package, the name of its handler in the reference architecture, " +
					"for example `todos`. Required; must be one of the packages embedded in this provider build. " +
					"A provider built without running `make lambdas` first embeds no package, and every value is rejected " +
					"with an error saying so.",
				Validators: []validator.String{lambdaPackageNameValidator{}},
			},
			"architecture": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Instruction set architecture of the package, as `aws_lambda_function`'s " +
					"`architectures` wants it: `arm64` or `x86_64`. Defaults to `" + lambdaPackageDefaultArch + "`.",
				Validators: []validator.String{stringvalidator.OneOf(lambdapkg.Architectures()...)},
			},
			"output_dir": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Directory the zip file is written to, created if missing. A relative path is " +
					"relative to the working directory OpenTofu or Terraform runs in (the root module's directory, or " +
					"the `-chdir` directory), not to the module that uses the data source. Defaults to `" +
					lambdaPackageDefaultOutputDir + "`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"filename": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Path of the written zip file, `<output_dir>/<name>_<architecture>_<first 12 hex " +
					"digits of its SHA-256>.zip`; pass it to `aws_lambda_function`'s `filename`.",
			},
			"source_code_hash": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Base64-encoded SHA-256 of the zip file; pass it to `aws_lambda_function`'s " +
					"`source_code_hash` so the function is updated exactly when the package changes.",
			},
			"handler": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Handler to configure on the function: always `" + lambdaPackageHandler + "` (Go on an OS-only runtime).",
			},
			"runtime": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Runtime to configure on the function: always `" + lambdaPackageRuntime + "`.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier of the package content: `<name>_<architecture>_<hex SHA-256>`.",
			},
		},
	}
}

func (d *lambdaPackageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data lambdaPackageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	name := data.Name.ValueString()
	arch := lambdaPackageDefaultArch
	if !data.Architecture.IsNull() {
		arch = data.Architecture.ValueString()
	}
	outputDir := lambdaPackageDefaultOutputDir
	if !data.OutputDir.IsNull() {
		outputDir = data.OutputDir.ValueString()
	}

	zip, err := lambdapkg.Open(name, arch)
	if err != nil {
		attr := path.Root("name")
		if errors.Is(err, lambdapkg.ErrUnknown) && slices.Contains(lambdapkg.Names(), name) {
			attr = path.Root("architecture")
		}
		resp.Diagnostics.AddAttributeError(attr, "Lambda package not available", err.Error())
		return
	}

	pkg, err := writeLambdaPackage(outputDir, name, arch, zip)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("output_dir"), "Cannot write the Lambda package", err.Error())
		return
	}

	data.Architecture = types.StringValue(arch)
	data.OutputDir = types.StringValue(outputDir)
	data.Filename = types.StringValue(pkg.filename)
	data.SourceCodeHash = types.StringValue(pkg.sourceCodeHash)
	data.Handler = types.StringValue(lambdaPackageHandler)
	data.Runtime = types.StringValue(lambdaPackageRuntime)
	data.ID = types.StringValue(fmt.Sprintf("%s_%s_%s", name, arch, pkg.hexSum))

	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// writtenPackage describes a zip written by writeLambdaPackage.
type writtenPackage struct {
	filename       string
	sourceCodeHash string // base64 of the SHA-256
	hexSum         string // hex of the SHA-256
}

// writeLambdaPackage writes zip to <dir>/<name>_<arch>_<hex12>.zip unless the
// file already holds exactly zip. The write goes to a temporary file in dir
// that is renamed into place, so readers never see a partial file.
func writeLambdaPackage(dir, name, arch string, zip []byte) (writtenPackage, error) {
	sum := sha256.Sum256(zip)
	hexSum := hex.EncodeToString(sum[:])
	pkg := writtenPackage{
		filename:       filepath.Join(dir, fmt.Sprintf("%s_%s_%s.zip", name, arch, hexSum[:12])),
		sourceCodeHash: base64.StdEncoding.EncodeToString(sum[:]),
		hexSum:         hexSum,
	}
	if existing, err := os.ReadFile(pkg.filename); err == nil && bytes.Equal(existing, zip) {
		return pkg, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pkg, err
	}
	if err := writeFileAtomic(pkg.filename, zip); err != nil {
		return pkg, err
	}
	return pkg, nil
}

func writeFileAtomic(filename string, content []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(filename), "."+filepath.Base(filename)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filename)
}

// lambdaPackageNameValidator accepts the names of the Lambda packages
// embedded in the provider, and explains how to embed them when there is none.
type lambdaPackageNameValidator struct{}

func (v lambdaPackageNameValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (lambdaPackageNameValidator) MarkdownDescription(_ context.Context) string {
	names := lambdapkg.Names()
	if len(names) == 0 {
		return "value must name a Lambda package embedded in the provider (this build embeds none)"
	}
	return "value must be one of: " + strings.Join(names, ", ")
}

func (lambdaPackageNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	names := lambdapkg.Names()
	if len(names) == 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Provider built without Lambda packages",
			fmt.Sprintf("Cannot provide the Lambda package %q. %s.", req.ConfigValue.ValueString(), capitalize(lambdapkg.ErrNotBuilt.Error())))
		return
	}
	if name := req.ConfigValue.ValueString(); !slices.Contains(names, name) {
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown Lambda package",
			fmt.Sprintf("This build of the refarch provider embeds no Lambda package named %q. It embeds: %s.",
				name, strings.Join(names, ", ")))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
