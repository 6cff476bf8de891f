package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
)

var (
	_ resource.Resource                = (*signedURLKeypairResource)(nil)
	_ resource.ResourceWithConfigure   = (*signedURLKeypairResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*signedURLKeypairResource)(nil)
	_ resource.ResourceWithImportState = (*signedURLKeypairResource)(nil)
	_ validator.String                 = keypairNameValidator{}
	_ validator.String                 = gracePeriodValidator{}
)

const (
	keypairDefaultGracePeriod    = "24h"
	keypairDefaultRecoveryWindow = 7
	// keypairDefaultCreateTimeout, keypairDefaultUpdateTimeout and
	// keypairDefaultDeleteTimeout are the defaults of the timeouts block.
	// An update that rotates waits for distributions to be Deployed, which
	// takes minutes.
	keypairDefaultCreateTimeout = 10 * time.Minute
	keypairDefaultUpdateTimeout = 30 * time.Minute
	keypairDefaultDeleteTimeout = 10 * time.Minute
)

// NewSignedURLKeypairResource returns the refarch_signed_url_keypair resource.
func NewSignedURLKeypairResource() resource.Resource {
	return &signedURLKeypairResource{}
}

// signedURLKeypairResource manages an RSA key pair for CloudFront signed URLs
// and cookies: the public key in a CloudFront key group, the private key in
// a Secrets Manager secret, with rotation that never breaks signers.
type signedURLKeypairResource struct {
	data *providerData
}

// now is the resource's clock (the provider's, which tests can replace).
func (r *signedURLKeypairResource) now() time.Time {
	return r.data.now()
}

type signedURLKeypairResourceModel struct {
	ID                       types.String   `tfsdk:"id"`
	Name                     types.String   `tfsdk:"name"`
	Comment                  types.String   `tfsdk:"comment"`
	KMSKeyID                 types.String   `tfsdk:"kms_key_id"`
	Rotation                 types.String   `tfsdk:"rotation"`
	RotationGracePeriod      types.String   `tfsdk:"rotation_grace_period"`
	SecretRecoveryWindowDays types.Int64    `tfsdk:"secret_recovery_window_days"`
	KeyGroupID               types.String   `tfsdk:"key_group_id"`
	PublicKeyID              types.String   `tfsdk:"public_key_id"`
	PublicKeyPEM             types.String   `tfsdk:"public_key_pem"`
	SecretARN                types.String   `tfsdk:"secret_arn"`
	PublicKeys               types.List     `tfsdk:"public_keys"`
	PendingCleanup           types.Bool     `tfsdk:"pending_cleanup"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

// keypairTimeoutsOpts are the operations the timeouts block bounds.
var keypairTimeoutsOpts = timeouts.Opts{Create: true, Update: true, Delete: true}

// nullKeypairTimeouts is a null timeouts block, for models built from
// nothing (import): its attribute types are those of the schema's block.
func nullKeypairTimeouts(ctx context.Context) timeouts.Value {
	attrTypes := map[string]attr.Type{}
	if t, ok := timeouts.Block(ctx, keypairTimeoutsOpts).Type().(timeouts.Type); ok {
		attrTypes = t.AttrTypes
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}

// publicKeyAttrTypes are the attributes of one public_keys element.
var publicKeyAttrTypes = map[string]attr.Type{
	"id":         types.StringType,
	"created_at": types.StringType,
	"retired_at": types.StringType,
}

func (r *signedURLKeypairResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signed_url_keypair"
}

func (r *signedURLKeypairResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An RSA-2048 key pair for CloudFront signed URLs and signed cookies, with rotation " +
			"that never breaks signers.\n\n" +
			"The provider generates the key pair, registers the public key as a CloudFront public key in a new " +
			"CloudFront key group (reference `key_group_id` in a cache behavior's `trusted_key_groups`), and stores " +
			"the private key in a new AWS Secrets Manager secret (`secret_arn`). The secret value is a JSON document " +
			"`{\"key_pair_id\": \"K…\", \"private_key_pem\": \"-----BEGIN RSA PRIVATE KEY-----…\"}`: the private key " +
			"(PKCS#1 PEM, as `sign.LoadPEMPrivKey` of the AWS SDK for Go and OpenSSL read it) together with the " +
			"CloudFront public key id to send as `Key-Pair-Id`. Signers read both from the secret's current version " +
			"at run time, so they always use a matching pair, also in the middle of a rotation.\n\n" +
			"**The private key is never stored in the OpenTofu/Terraform state**, nor in any output, log or " +
			"diagnostic: it exists only in Secrets Manager, and in the provider's memory while it is generated (or, " +
			"during an import, read to identify the active key). " +
			"This is deliberate: write-only attributes (as in OpenTofu 1.12) carry values the configuration passes " +
			"in, not values a provider generates, and a sensitive computed attribute would still be written to the " +
			"state in plain text. An ephemeral resource could later hand the private key to other ephemeral " +
			"contexts without storing it.\n\n" +
			"**Rotation.** Changing `rotation` generates a new key pair and adds its public key to the same key " +
			"group. The provider then waits until every CloudFront distribution that trusts the key group reports " +
			"the status `Deployed`, so that all edges trust the new key, for at most `timeouts.update` (default " +
			"30 minutes). Only then does it write the new private key as the secret's new current version (the " +
			"previous version keeps the `AWSPREVIOUS` label), so signers switch to a key CloudFront already " +
			"accepts. If a distribution is not `Deployed` in time, the apply fails, naming it, while the secret " +
			"still holds the previous key and signers are unaffected; `rotation` keeps its previous value in the " +
			"state, so the next apply rotates again. The key added by the failed apply is never used (its private " +
			"key was never stored): it is recorded with its grace period already over, and the next apply removes " +
			"it from the key group and deletes it. The previous public key stays in the key group, so URLs and " +
			"cookies already signed with it keep working, until `rotation_grace_period` has passed after its " +
			"`retired_at` time. The key group id never changes. A later plan after the grace period shows an " +
			"update of `public_keys` (and `pending_cleanup` is `true` after a refresh): applying it removes the " +
			"expired keys from the key group and then deletes them. CloudFront allows at most 5 public keys per " +
			"key group, so at most 4 rotations can be pending within one grace period; the plan fails with an " +
			"explanation otherwise.\n\n" +
			"**Permissions.** Besides the CloudFront public key and key group actions and the Secrets Manager " +
			"actions on the secret, a rotation needs `cloudfront:ListDistributionsByKeyGroup` and " +
			"`cloudfront:GetDistribution`, to wait for the distributions that trust the key group; tagging the " +
			"secret needs `secretsmanager:TagResource`.\n\n" +
			"**Tags.** The secret is tagged `refarch:signed-url-keypair = <name>`, on top of the provider's " +
			"`default_tags` (its own tag wins on the same key). The tags are set when the secret is created; an " +
			"update for another reason (a rotation, a cleanup, a new `comment`) adds the current `default_tags` " +
			"again (when that fails, the apply warns and the next update tries again), while changing only `default_tags` plans no change, and a key removed from `default_tags` stays " +
			"on the secret. CloudFront public keys and key groups cannot be tagged: they carry no tags, and only the " +
			"resource's destroy (or a manual deletion) removes them.\n\n" +
			"**Changes made outside of OpenTofu/Terraform** are repaired: a deleted key group makes the plan replace " +
			"the resource (the apply deletes the remaining public keys and the secret first); a deleted active " +
			"public key or a deleted secret makes the plan rotate to a new key (in a new secret when the secret is " +
			"gone); public keys added to or removed from the key group are put back in order.\n\n" +
			"**Import** with `<key_group_id>,<secret_arn>`. CloudFront keeps only public keys, so the private key " +
			"cannot be recovered from the key group: the secret holding it must be named. The import reads the " +
			"secret once to find which public key of the group it belongs to (the active key); the other keys of " +
			"the group are recorded as retired at the time of the import. `rotation` is unknown after an import: " +
			"leave it unset for the first apply, or that apply rotates once (which is harmless). " +
			"`kms_key_id` is read from the secret and must be written the same way in the configuration to avoid " +
			"a replacement.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier of the resource: the id of the CloudFront key group.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the CloudFront key group, unique in the AWS account; also the start of the " +
					"names of its public keys (`<name>-<8 hex digits of the key's fingerprint>`, shortened to fit) and " +
					"of the secret (`refarch/signed-url-keypair/<name>/<random suffix>`). Required. Allowed: 1 to 128 " +
					"characters, letters `A-Z` `a-z`, digits `0-9`, hyphens `-` and underscores `_` (CloudFront's rule). " +
					"Changing it replaces the resource, with a new key group id.",
				Validators:    []validator.String{keypairNameValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"comment": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Comment on the CloudFront key group and on the public keys created from then on. " +
					"Optional, 1 to 128 characters; defaults to no comment. Changing it updates the key group in place.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"kms_key_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AWS KMS key (key id, key ARN, alias name or alias ARN) that encrypts the secret " +
					"holding the private key. Optional; defaults to the AWS managed key `aws/secretsmanager`. A key in " +
					"another account must be given by ARN, and signers need `kms:Decrypt` on it. Changing it replaces " +
					"the resource.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"rotation": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Rotation trigger: any string, for example a date such as `2026-06`. Optional; " +
					"defaults to unset. Every change of the value (including setting or unsetting it) rotates the key " +
					"pair in place: a new public key joins the same key group, once every distribution that trusts " +
					"the key group is `Deployed` the secret gets the new private key as its current version, and the " +
					"previous key stays valid for `rotation_grace_period`.",
			},
			"rotation_grace_period": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(keypairDefaultGracePeriod),
				MarkdownDescription: "How long a retired public key stays in the key group after a rotation, so that " +
					"URLs and cookies signed with it keep working and signers have time to read the secret's new " +
					"version. A Go duration such as `24h`, `90m` or `0s`; must be zero or more. Defaults to `" +
					keypairDefaultGracePeriod + "`. Set it at least as long as the longest expiry of the URLs and " +
					"cookies you sign, plus the time signers cache the secret. With `0s`, the previous key is removed " +
					"in the same apply as the rotation. Changing it applies to keys already retired.",
				Validators: []validator.String{gracePeriodValidator{}},
			},
			"secret_recovery_window_days": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(keypairDefaultRecoveryWindow),
				MarkdownDescription: "Number of days Secrets Manager keeps the secret recoverable after the resource is " +
					"destroyed. Either `0`, which deletes the secret at once without recovery, or 7 to 30. Defaults to " +
					"`7`. Changing it only affects a later destroy.",
				Validators: []validator.Int64{int64validator.Any(int64validator.OneOf(0), int64validator.Between(7, 30))},
			},
			"key_group_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Id of the CloudFront key group, for a cache behavior's `trusted_key_groups`. It " +
					"stays the same across rotations.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"public_key_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Id of the active CloudFront public key, the one whose private key is the " +
					"secret's current version: the `Key-Pair-Id` of signed URLs and cookies. It changes with every " +
					"rotation; signers should read it from the secret (`key_pair_id`) together with the private key " +
					"rather than from this attribute.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"public_key_pem": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "PEM (`BEGIN PUBLIC KEY`) of the active public key. It changes with every rotation.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret_arn": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "ARN of the Secrets Manager secret holding the private key and its key pair id as " +
					"JSON (see the resource description). It stays the same across rotations; grant signers " +
					"`secretsmanager:GetSecretValue` on it.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"public_keys": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Public keys in the key group, oldest first: the retired keys still within their " +
					"grace period, then the active key.",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Id of the CloudFront public key.",
						},
						"created_at": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "When CloudFront created the public key, as an RFC 3339 timestamp in UTC.",
						},
						"retired_at": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "When the key stopped being the active key, as an RFC 3339 timestamp in " +
								"UTC; null for the active key. The key is removed from the key group and deleted by " +
								"the first apply after `retired_at` plus `rotation_grace_period`. A key added by a " +
								"rotation that stopped before the secret got its private key was never used: its " +
								"`retired_at` is the time of that apply minus `rotation_grace_period`, so the next " +
								"apply removes it.",
						},
					},
				},
			},
			"pending_cleanup": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the next apply has cleanup work to do, as found by the last refresh: " +
					"retired keys whose grace period has ended, or key group changes made outside of " +
					"OpenTofu/Terraform. The plan then shows an update; after the apply it is `false`.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, keypairTimeoutsOpts),
		},
	}
}

func (r *signedURLKeypairResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// manager returns the keypairManager working with the provider's AWS
// clients, or nil with an error diagnostic.
func (r *signedURLKeypairResource) manager(diags *diag.Diagnostics) *keypairManager {
	clients, d := r.data.AWS()
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	m := r.data.apis.keypair(clients)
	m.defaultTags = r.data.defaultTags
	return m
}

// newKeypairManager is the keypairManager of the shipped provider: the
// provider's CloudFront and Secrets Manager clients, the real clock.
func newKeypairManager(clients *awsconfig.Clients) *keypairManager {
	return &keypairManager{
		cf:           clients.CloudFront(),
		sm:           clients.SecretsManager(),
		now:          time.Now,
		newKey:       generateKeypair,
		pollInterval: keypairDefaultPollInterval,
		waitTimeout:  keypairDefaultWaitTimeout,
	}
}

func (r *signedURLKeypairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan signedURLKeypairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, keypairDefaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	st, err := m.create(ctx, plan.Name.ValueString(), plan.Comment.ValueString(), plan.KMSKeyID.ValueString())
	if err != nil {
		if st.KeyGroupID != "" {
			// Partially created: save it, so that it is tainted and the
			// next apply deletes it before creating it again.
			resp.Diagnostics.Append(plan.setFromKeypairState(st)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
		resp.Diagnostics.AddError("Cannot create the CloudFront signing key pair", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.setFromKeypairState(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *signedURLKeypairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state signedURLKeypairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, diags := state.toKeypairState()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}

	st, err := m.read(ctx, prior, gracePeriodOf(state.RotationGracePeriod))
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the CloudFront signing key pair", err.Error())
		return
	}
	if st.GroupMissing && !prior.GroupMissing {
		resp.Diagnostics.AddWarning("CloudFront key group deleted outside of OpenTofu/Terraform",
			fmt.Sprintf("The key group %s of refarch_signed_url_keypair %q no longer exists, so the resource will be "+
				"replaced: the apply deletes its remaining public keys and its secret, then creates a new key group "+
				"(with a new id), key pair and secret.", prior.KeyGroupID, prior.Name))
	}
	resp.Diagnostics.Append(state.setFromKeypairState(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// keypairPlanDecision is what ModifyPlan plans for an update of an existing
// key pair.
type keypairPlanDecision struct {
	// replace: the key group is gone; recreate everything.
	replace bool
	// rotate: a new key becomes the active one.
	rotate bool
	// keysUnknown: the grace period is unknown, so which keys the apply
	// removes is not known yet.
	keysUnknown bool
	// cleanup: keep is the exact list of keys after the apply; the others
	// are removed (and the key group reconciled).
	cleanup bool
	keep    []keyRecord
	err     error
}

// decideKeypairPlan decides, at now, how to update prior. rotationChanged
// says whether `rotation` changes (or is unknown); grace is nil when the
// planned rotation_grace_period is unknown.
func decideKeypairPlan(prior keypairState, rotationChanged bool, grace *time.Duration, now time.Time) keypairPlanDecision {
	if prior.GroupMissing {
		return keypairPlanDecision{replace: true}
	}
	rotate := rotationChanged || prior.ActiveKeyID == "" || prior.SecretARN == ""
	if grace == nil {
		hasRetired := false
		for _, k := range prior.Keys {
			hasRetired = hasRetired || k.retired()
		}
		return keypairPlanDecision{rotate: rotate, keysUnknown: !rotate && (hasRetired || prior.PendingCleanup)}
	}
	expired := expiredKeys(prior.Keys, *grace, now)
	keep := withoutKeys(prior.Keys, expired)
	if rotate {
		return keypairPlanDecision{rotate: true, err: rotationCapacityError(keep, *grace)}
	}
	if len(expired) > 0 || prior.PendingCleanup {
		return keypairPlanDecision{cleanup: true, keep: keep}
	}
	return keypairPlanDecision{}
}

func (r *signedURLKeypairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // create or destroy: nothing to add
	}
	var plan, state signedURLKeypairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Name.Equal(state.Name) || !plan.KMSKeyID.Equal(state.KMSKeyID) {
		return // replaced (RequiresReplace): planned again as a create
	}
	prior, diags := state.toKeypairState()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var grace *time.Duration
	if !plan.RotationGracePeriod.IsUnknown() {
		g, err := parseGracePeriod(plan.RotationGracePeriod.ValueString())
		if err != nil {
			return // reported by the attribute's validator
		}
		grace = &g
	}
	rotationChanged := plan.Rotation.IsUnknown() || !plan.Rotation.Equal(state.Rotation)

	d := decideKeypairPlan(prior, rotationChanged, grace, r.now())
	switch {
	case d.err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("rotation"), "Too many public keys in the CloudFront key group", d.err.Error())
		return
	case d.replace:
		plan.ID = types.StringUnknown()
		plan.KeyGroupID = types.StringUnknown()
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("key_group_id"))
	case d.rotate:
		plan.PublicKeyID = types.StringUnknown()
		plan.PublicKeyPEM = types.StringUnknown()
		plan.PublicKeys = types.ListUnknown(types.ObjectType{AttrTypes: publicKeyAttrTypes})
		if prior.SecretARN == "" {
			plan.SecretARN = types.StringUnknown()
		}
		plan.PendingCleanup = types.BoolValue(false)
	case d.keysUnknown:
		plan.PublicKeys = types.ListUnknown(types.ObjectType{AttrTypes: publicKeyAttrTypes})
		plan.PendingCleanup = types.BoolValue(false)
	case d.cleanup:
		list, diags := publicKeysList(d.keep)
		resp.Diagnostics.Append(diags...)
		plan.PublicKeys = list
		plan.PendingCleanup = types.BoolValue(false)
	default:
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *signedURLKeypairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state signedURLKeypairResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, diags := state.toKeypairState()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	// A rotation waits for distributions to be Deployed: timeouts.update
	// bounds the whole update.
	timeout, diags := plan.Timeouts.Update(ctx, keypairDefaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ch := keypairChange{
		Name:     plan.Name.ValueString(),
		Comment:  plan.Comment.ValueString(),
		Grace:    gracePeriodOf(plan.RotationGracePeriod),
		KMSKeyID: plan.KMSKeyID.ValueString(),
		// The plan decided: public_key_id is unknown exactly when a rotation
		// may happen. Re-check now that every value is known.
		Rotate: plan.PublicKeyID.IsUnknown() &&
			(!plan.Rotation.Equal(state.Rotation) || prior.ActiveKeyID == "" || prior.SecretARN == ""),
	}
	if !plan.PublicKeys.IsUnknown() {
		keys, diags := keyRecordsFromList(plan.PublicKeys)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		ch.Keep = keyIDs(keys)
	}

	st, err := m.update(ctx, prior, ch)
	// Bring default_tags added since the secret was created. A failure is
	// only a warning: tags must not hold up a rotation.
	if tagErr := m.tagSecret(ctx, st); tagErr != nil {
		resp.Diagnostics.AddWarning("Cannot add the provider's default_tags to the key pair's secret",
			tagErr.Error()+". The key pair itself is up to date; the next update of the resource tries again.")
	}
	out := plan
	resp.Diagnostics.Append(out.setFromKeypairState(st)...)
	if err != nil {
		if st.ActiveKeyID == prior.ActiveKeyID {
			// The rotation did not happen: keep the old trigger value so
			// that the next apply tries again.
			out.Rotation = state.Rotation
		}
		resp.Diagnostics.AddError("Cannot update the CloudFront signing key pair", err.Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

func (r *signedURLKeypairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state signedURLKeypairResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	st, diags := state.toKeypairState()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, keypairDefaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := m.delete(ctx, st, state.SecretRecoveryWindowDays.ValueInt64()); err != nil {
		resp.Diagnostics.AddError("Cannot delete the CloudFront signing key pair", err.Error())
	}
}

func (r *signedURLKeypairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	keyGroupID, secretID, ok := strings.Cut(req.ID, ",")
	keyGroupID, secretID = strings.TrimSpace(keyGroupID), strings.TrimSpace(secretID)
	if !ok || keyGroupID == "" || secretID == "" || strings.Contains(secretID, ",") {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected \"<key_group_id>,<secret_arn>\", got %q. CloudFront keeps only the public keys of a key "+
				"group, so the private key cannot be recovered from it: name the Secrets Manager secret that holds it.", req.ID))
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	st, err := m.importState(ctx, keyGroupID, secretID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import the CloudFront signing key pair", err.Error())
		return
	}

	model := signedURLKeypairResourceModel{
		Name:                     types.StringValue(st.Name),
		KMSKeyID:                 stringOrNull(st.KMSKeyID),
		Rotation:                 types.StringNull(),
		RotationGracePeriod:      types.StringValue(keypairDefaultGracePeriod),
		SecretRecoveryWindowDays: types.Int64Value(keypairDefaultRecoveryWindow),
		Timeouts:                 nullKeypairTimeouts(ctx),
	}
	resp.Diagnostics.Append(model.setFromKeypairState(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// gracePeriodOf parses a validated rotation_grace_period, falling back to
// the default for a null value.
func gracePeriodOf(v types.String) time.Duration {
	s := keypairDefaultGracePeriod
	if !v.IsNull() && !v.IsUnknown() {
		s = v.ValueString()
	}
	d, err := parseGracePeriod(s)
	if err != nil {
		d, _ = parseGracePeriod(keypairDefaultGracePeriod)
	}
	return d
}

// toKeypairState converts the model (state) to keypairState.
func (m signedURLKeypairResourceModel) toKeypairState() (keypairState, diag.Diagnostics) {
	keys, diags := keyRecordsFromList(m.PublicKeys)
	return keypairState{
		Name:           m.Name.ValueString(),
		Comment:        m.Comment.ValueString(),
		KMSKeyID:       m.KMSKeyID.ValueString(),
		KeyGroupID:     m.ID.ValueString(),
		GroupMissing:   m.KeyGroupID.IsNull() && !m.ID.IsNull(),
		ActiveKeyID:    m.PublicKeyID.ValueString(),
		PublicKeyPEM:   m.PublicKeyPEM.ValueString(),
		SecretARN:      m.SecretARN.ValueString(),
		Keys:           keys,
		PendingCleanup: m.PendingCleanup.ValueBool(),
	}, diags
}

// setFromKeypairState sets the attributes that reflect AWS from st. Name,
// kms_key_id and the other arguments stay as they are.
func (m *signedURLKeypairResourceModel) setFromKeypairState(st keypairState) diag.Diagnostics {
	m.ID = types.StringValue(st.KeyGroupID)
	m.KeyGroupID = types.StringValue(st.KeyGroupID)
	if st.GroupMissing {
		m.KeyGroupID = types.StringNull()
	}
	m.Comment = stringOrNull(st.Comment)
	m.PublicKeyID = stringOrNull(st.ActiveKeyID)
	m.PublicKeyPEM = stringOrNull(st.PublicKeyPEM)
	m.SecretARN = stringOrNull(st.SecretARN)
	m.PendingCleanup = types.BoolValue(st.PendingCleanup)
	list, diags := publicKeysList(st.Keys)
	m.PublicKeys = list
	return diags
}

func publicKeysList(keys []keyRecord) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elemType := types.ObjectType{AttrTypes: publicKeyAttrTypes}
	elems := make([]attr.Value, 0, len(keys))
	for _, k := range keys {
		retired := types.StringNull()
		if k.retired() {
			retired = types.StringValue(k.RetiredAt.UTC().Format(keypairTimeFormat))
		}
		obj, d := types.ObjectValue(publicKeyAttrTypes, map[string]attr.Value{
			"id":         types.StringValue(k.ID),
			"created_at": types.StringValue(k.CreatedAt.UTC().Format(keypairTimeFormat)),
			"retired_at": retired,
		})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(elemType, elems)
	diags.Append(d...)
	return list, diags
}

func keyRecordsFromList(list types.List) ([]keyRecord, diag.Diagnostics) {
	var diags diag.Diagnostics
	if list.IsNull() || list.IsUnknown() {
		return nil, diags
	}
	var keys []keyRecord
	for _, e := range list.Elements() {
		obj, ok := e.(basetypes.ObjectValue)
		if !ok {
			diags.AddError("Unexpected public_keys element", fmt.Sprintf("Got %T. This is a bug in the provider: please report it.", e))
			continue
		}
		attrs := obj.Attributes()
		str := func(name string) string {
			if s, ok := attrs[name].(basetypes.StringValue); ok {
				return s.ValueString()
			}
			return ""
		}
		rec := keyRecord{ID: str("id")}
		var err error
		if v := str("created_at"); v != "" {
			rec.CreatedAt, err = time.Parse(keypairTimeFormat, v)
		}
		if v := str("retired_at"); v != "" && err == nil {
			rec.RetiredAt, err = time.Parse(keypairTimeFormat, v)
		}
		if err != nil {
			diags.AddError("Invalid timestamp in public_keys",
				fmt.Sprintf("Public key %s: %v. This is a bug in the provider: please report it.", rec.ID, err))
		}
		keys = append(keys, rec)
	}
	return keys, diags
}

// keypairNameValidator enforces CloudFront's key group name rules.
type keypairNameValidator struct{}

func (v keypairNameValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (keypairNameValidator) MarkdownDescription(_ context.Context) string {
	return "value must be 1 to 128 characters long and contain only letters, digits, hyphens (-) and underscores (_)"
}

func (keypairNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validKeypairName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CloudFront key group name",
			fmt.Sprintf("%q cannot be used: %s.", req.ConfigValue.ValueString(), err))
	}
}

// gracePeriodValidator accepts Go durations of zero or more.
type gracePeriodValidator struct{}

func (v gracePeriodValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (gracePeriodValidator) MarkdownDescription(_ context.Context) string {
	return "value must be a duration of zero or more, such as 24h, 90m or 0s"
}

func (gracePeriodValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseGracePeriod(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid grace period", capitalize(err.Error())+".")
	}
}
