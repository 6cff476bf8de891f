package refarch

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/refarch/terraform-provider-refarch/examples"
	"github.com/refarch/terraform-provider-refarch/modules"
)

func intp(i int) *int { return &i }

// ms is a valid Microservices changed by edit.
func ms(edit func(*Microservices)) Microservices {
	a := Microservices{
		Name:                  "shop",
		ServiceAImage:         "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0",
		ServiceCArtifactS3URI: "s3://my-artifacts/orders/orders-arm64",
	}
	if edit != nil {
		edit(&a)
	}
	return a
}

// msNet is a valid existing network changed by edit.
func msNet(edit func(*MicroservicesNetwork)) Microservices {
	return ms(func(a *Microservices) {
		a.Network = &MicroservicesNetwork{
			VPCID:            "vpc-0123456789abcdef0",
			VPCCIDRBlock:     "10.0.0.0/16",
			PublicSubnetIDs:  []string{"subnet-0a1b2c3d", "subnet-0a1b2c3e"},
			PrivateSubnetIDs: []string{"subnet-06364d75-ea49-4e3", "subnet-0a1b2c3f"}, // a kumo id passes too
		}
		if edit != nil {
			edit(a.Network)
		}
	})
}

// TestValidateRuleFamilies: one bad value per rule family fails in Go with the message of the HCL validation block
// that would refuse it.
func TestValidateRuleFamilies(t *testing.T) {
	tests := []struct {
		name string
		arch Architecture
		want string
	}{
		{"name", MyTodoList{Name: "Todos"}, msgName},
		{"empty name", PaidContent{}, msgName},
		{"table encryption", MyTodoList{Name: "t", TableEncryption: "CUSTOMER"}, msgTableEncryption},
		{"vpc cidr", MyTodoList{Name: "t", VPCCIDRBlock: "10.0.0.0/30"}, "vpc_cidr_block must be an IPv4 CIDR block"},
		{"vpc cidr not ipv4", MyTodoList{Name: "t", VPCCIDRBlock: "fd00::/56"}, "vpc_cidr_block must be an IPv4 CIDR block"},
		{"token validity", MyTodoList{Name: "t", TokenValidityMinutes: 2}, "id_token_validity_minutes must be between 5 and 1440"},
		{"url ttl", PaidContent{Name: "p", URLTTLMinutes: 721}, "url_ttl_minutes must be a whole number from 1 to 720."},
		{"price class", PaidContent{Name: "p", PriceClass: "PriceClass_50"}, msgPriceClass},
		{"sender", MyBlog{Name: "b", SenderAddress: "Blog <blog@example.com>"}, "sender_address must be a bare e-mail address"},
		{"replica region", MyBlog{Name: "b", SenderAddress: "b@example.com", PostsReplicaRegions: []string{"europe"}}, "posts_replica_regions must hold AWS region names"},
		{"ingestion name", Ingestion{Name: "an-ingestion-pipeline-name-of-40-chars"}, "name must be 1-32 lowercase"},
		{"software updates name", SoftwareUpdates{Name: "software-updates-for-everyone"}, "name must be 1-24 lowercase"},
		{"architecture", SoftwareUpdates{Name: "swu", Architecture: "amd64"}, `architecture must be "arm64" or "x86_64".`},
		{"software updates without a certificate", SoftwareUpdates{Name: "swu"}, msgSoftwareUpdatesPlainHTTP},
		{"replica repeated", MyBlog{Name: "b", SenderAddress: "b@example.com", PostsReplicaRegions: []string{"eu-west-1", "eu-west-1"}}, "posts_replica_regions must not repeat a region."},
		{"microservices name", ms(func(a *Microservices) { a.Name = "shop-" }), msgMicroservicesName},
		{"microservices name too long", ms(func(a *Microservices) { a.Name = "microservices-shop-eu" }), msgMicroservicesName},
		{"microservices service b name", ms(func(a *Microservices) { a.Name = "shop--prod" }), msgServiceBName},
		{"service a image", ms(func(a *Microservices) { a.ServiceAImage = "orders latest" }), msgImage},
		{"service a image required", ms(func(a *Microservices) { a.ServiceAImage = "" }), msgImage},
		{"service c artifact", ms(func(a *Microservices) { a.ServiceCArtifactS3URI = "https://my-artifacts.s3.amazonaws.com/orders" }), msgArtifact},
		{"service c artifact required", ms(func(a *Microservices) { a.ServiceCArtifactS3URI = "" }), msgArtifact},
		{"certificate arn", ms(func(a *Microservices) { a.CertificateARN = "arn:aws:iam::123456789012:server-certificate/x" }), msgCertificateARN},
		{"network subnets", msNet(func(n *MicroservicesNetwork) { n.PublicSubnetIDs = n.PublicSubnetIDs[:1] }), msgNetworkSubnets},
		{"network vpc cidr", msNet(func(n *MicroservicesNetwork) { n.VPCCIDRBlock = "fd00::/56" }), msgNetworkCIDR},
		{"network vpc id", msNet(func(n *MicroservicesNetwork) { n.VPCID = "vpc_main" }), msgNetworkVPCID},
		{"network subnet ids", msNet(func(n *MicroservicesNetwork) { n.PrivateSubnetIDs = []string{"subnet-0a1b2c3d", "private-b"} }), msgNetworkSubnetID},
		{"nat gateway", ms(func(a *Microservices) { a.NATGateway = "dual" }), msgNATGateway},
		{"availability zones count", ms(func(a *Microservices) { a.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"} }), msgAZCount},
		{"availability zones repeated", ms(func(a *Microservices) { a.AvailabilityZones = []string{"eu-west-1a", "eu-west-1a"} }), msgAZRepeat},
		{"availability zone ids", ms(func(a *Microservices) { a.AvailabilityZones = []string{"euw1-az1", "euw1-az2"} }), msgAZName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.arch.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
	for _, ok := range []Architecture{
		MyTodoList{Name: "todos", VPCCIDRBlock: "10.1.0.0/16", TokenValidityMinutes: 60},
		PaidContent{Name: "paid", URLTTLMinutes: 5, SecretRecoveryWindowDays: intp(0)},
		MyBlog{Name: "blog", SenderAddress: "blog@example.com", PostsReplicaRegions: []string{"eu-west-1", "us-east-2"}},
		SoftwareUpdates{Name: "swu", ALBCertificateARN: "arn:aws:acm:eu-west-1:123456789012:certificate/abcd", OriginDomainName: "origin.example.com"},
		SoftwareUpdates{Name: "swu", AllowPlainHTTP: true},
		ms(nil),
		ms(func(a *Microservices) {
			a.Name = "a-20-character-name1"
			a.CertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
			a.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
			a.NATGateway = "per_az"
		}),
		msNet(nil),
		// With a network, modules/vpc is not instantiated: its rules do not apply.
		func() Microservices {
			a := msNet(nil)
			a.NATGateway = "dual"
			a.AvailabilityZones = []string{"euw1-az1"}
			return a
		}(),
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%T.Validate() = %v, want nil", ok, err)
		}
	}
}

// TestValidateMessagesAreTheModules: every message the Go rules give is, word for word, an error_message of a
// validation block in the embedded modules or examples.
func TestValidateMessagesAreTheModules(t *testing.T) {
	hclMessages := map[string]bool{}
	for _, fsys := range []fs.FS{modules.FS, examples.FS} {
		files, _ := fs.Glob(fsys, "*/variables.tf")
		for _, f := range files {
			src, _ := fs.ReadFile(fsys, f)
			file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatalf("%s: %v", f, diags)
			}
			body, ok := file.Body.(*hclsyntax.Body)
			if !ok {
				t.Fatalf("%s: not native syntax", f)
			}
			for _, v := range body.Blocks {
				for _, val := range v.Body.Blocks {
					if val.Type != "validation" {
						continue
					}
					if a, ok := val.Body.Attributes["error_message"]; ok {
						if s, d := a.Expr.Value(nil); !d.HasErrors() {
							hclMessages[s.AsString()] = true
						}
					}
				}
			}
		}
	}
	bad := []Architecture{
		MyTodoList{Name: "X", TableEncryption: "X", VPCCIDRBlock: "x", TokenValidityMinutes: 1, AlarmTopicARN: "x"},
		PaidContent{Name: "X", URLTTLMinutes: -1, PriceClass: "x", TableEncryption: "x", TokenValidityMinutes: 1, AlarmTopicARN: "x"},
		MyBlog{Name: "X", SenderAddress: "x", PostsReplicaRegions: []string{"x", "x"}, PriceClass: "x", TableEncryption: "x", AlarmTopicARN: "x"},
		Ingestion{Name: "X", AlarmTopicARN: "x"},
		SoftwareUpdates{Name: "X", Architecture: "x", PriceClass: "x", AlarmTopicARN: "x"},
		// With a network, modules/vpc's rules do not run and an invalid name hides service B's name rule, so a second
		// configuration fires those.
		Microservices{Name: "X", CertificateARN: "x", Network: &MicroservicesNetwork{VPCID: "x", VPCCIDRBlock: "x", PublicSubnetIDs: []string{"x"}, PrivateSubnetIDs: []string{"x"}}},
		Microservices{Name: "a--b", AlarmTopicARN: "x", ServiceAImage: "x y", ServiceCArtifactS3URI: "x", NATGateway: "x", AvailabilityZones: []string{"x", "x", "x"}},
	}
	checked := 0
	for _, a := range bad {
		err := a.Validate()
		var joined interface{ Unwrap() []error }
		if !errors.As(err, &joined) {
			t.Fatalf("%T: %v", a, err)
		}
		for _, e := range joined.Unwrap() {
			msgs, ok := e.(interface{ Unwrap() []error })
			if !ok {
				continue
			}
			for _, m := range msgs.Unwrap() {
				checked++
				if !hclMessages[m.Error()] {
					t.Errorf("%T: %q is not an error_message of any module or example validation block", a, m.Error())
				}
			}
		}
	}
	if checked < 39 {
		t.Errorf("checked %d messages; every rule of the bad configurations should have fired", checked)
	}
}

// TestInvalidConfigStartsNothing: a Stack with a bad configuration fails before looking for a CLI or writing files.
func TestInvalidConfigStartsNothing(t *testing.T) {
	parent := t.TempDir()
	dir := path.Join(parent, "never-created")
	s := &Stack{Architecture: MyTodoList{Name: "Bad Name"}, Target: AWS{Region: "eu-west-1"}, Dir: dir, Binary: "/nonexistent/tofu"}
	for name, run := range map[string]func(context.Context) error{
		"apply":   s.Apply,
		"destroy": s.Destroy,
		"plan":    func(ctx context.Context) error { _, err := s.Plan(ctx); return err },
	} {
		err := run(context.Background())
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), msgName) {
			t.Errorf("%s: %v, want the name rule", name, err)
		}
	}
	if _, err := fs.Stat(os.DirFS(parent), "never-created"); err == nil {
		t.Errorf("the working directory was created for an invalid configuration")
	}
	s.Architecture = MyTodoList{Name: "good"}
	if err := s.Apply(context.Background()); !errors.Is(err, ErrNoBinary) {
		t.Errorf("missing CLI: %v, want ErrNoBinary", err)
	}
}

// TestMissingBinary: a valid configuration without a tofu or terraform to run fails with ErrNoBinary, naming the
// fix, before anything is written.
func TestMissingBinary(t *testing.T) {
	parent := t.TempDir()
	dir := path.Join(parent, "never-created")
	t.Setenv("REFARCH_TOFU", "")
	t.Setenv("PATH", t.TempDir()) // neither tofu nor terraform
	for _, s := range []*Stack{
		{Architecture: MyTodoList{Name: "todos"}, Target: AWS{Region: "eu-west-1"}, Dir: dir},
		{Architecture: MyTodoList{Name: "todos"}, Target: AWS{Region: "eu-west-1"}, Dir: dir, Binary: "/nonexistent/tofu"},
	} {
		err := s.Apply(context.Background())
		if !errors.Is(err, ErrNoBinary) {
			t.Errorf("Binary %q: Apply = %v, want ErrNoBinary", s.Binary, err)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("a run without a CLI created its working directory")
	}
}

// TestOutputsBeforeApply: Outputs reads what an Apply left; before one it is an error, and it stages nothing (it
// neither writes the working directory nor looks for a CLI to init with).
func TestOutputsBeforeApply(t *testing.T) {
	parent := t.TempDir()
	dir := path.Join(parent, "never-created")
	s := &Stack{Architecture: MyTodoList{Name: "todos"}, Target: AWS{Region: "eu-west-1"}, Dir: dir, Binary: "/nonexistent/tofu"}
	var out MyTodoListOutputs
	if err := s.Outputs(context.Background(), &out); err == nil || !strings.Contains(err.Error(), "nothing was applied") {
		t.Errorf("Outputs before Apply = %v, want \"nothing was applied\"", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("Outputs staged the root")
	}
}
