package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pinnedAWS reads the hashicorp/aws module and version from tools/versions.env.
func pinnedAWS(t *testing.T) (module, version string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "versions.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		switch {
		case !ok:
		case k == "AWS_MODULE":
			module = v
		case k == "AWS_VERSION":
			version = v
		}
	}
	if module == "" || version == "" {
		t.Fatal("tools/versions.env sets no AWS_MODULE or AWS_VERSION")
	}
	return module, version
}

// TestServiceListIsCurrent fails when a configuration, test or Go file names an aws_* type whose service package
// tools/aws-services.txt does not list (the trimmed provider would not know it), or when the list names a package
// nothing uses any more. `make aws-services` rewrites the list.
func TestServiceListIsCurrent(t *testing.T) {
	module, version := pinnedAWS(t)
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s@%s: %v", module, version, err)
	}
	var dl struct{ Dir string }
	if err := json.Unmarshal(out, &dl); err != nil || dl.Dir == "" {
		t.Fatalf("go mod download printed no directory: %s", out)
	}
	want, err := listServices(filepath.Join("..", ".."), dl.Dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "aws-services.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("tools/aws-services.txt is stale; run `make aws-services` (and rebuild: make tools). Want:\n%s", want)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeProvider lays out the parts of a hashicorp/aws source tree that awstrim reads and rewrites.
func fakeProvider(t *testing.T) string {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.go"), `package main

import _ "github.com/hashicorp/terraform-provider-aws/internal/provider/sdkv2"
`)
	write(t, filepath.Join(dir, "internal/provider/sdkv2/service_packages_gen.go"), `package sdkv2

import (
	"context"

	"github.com/hashicorp/terraform-provider-aws/internal/conns"
	"github.com/hashicorp/terraform-provider-aws/internal/service/sqs"
	"github.com/hashicorp/terraform-provider-aws/internal/service/ec2"
	tfiot "github.com/hashicorp/terraform-provider-aws/internal/service/iot"
)

func servicePackages(ctx context.Context) []conns.ServicePackage {
	v := []conns.ServicePackage{
		ec2.ServicePackage(ctx),
		tfiot.ServicePackage(ctx),
		sqs.ServicePackage(ctx),
	}
	return v
}
`)
	write(t, filepath.Join(dir, "internal/conns/awsclient_gen.go"), `package conns

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func (c *AWSClient) EC2Client(ctx context.Context) *ec2.Client { return nil }

func (c *AWSClient) IoTClient(ctx context.Context) *iot.Client { return nil }

func (c *AWSClient) KMSClient(ctx context.Context) *kms.Client { return nil }

func (c *AWSClient) SQSClient(ctx context.Context) *sqs.Client { return nil }
`)
	write(t, filepath.Join(dir, "internal/conns/conns.go"), "package conns\n\ntype AWSClient struct{}\n")
	for pkg, body := range map[string]string{
		"sqs": `package sqs

import (
	"github.com/hashicorp/terraform-provider-aws/internal/conns"
	tfkms "github.com/hashicorp/terraform-provider-aws/internal/service/kms"
)

var _ = tfkms.X

func f(c *conns.AWSClient) { c.SQSClient(nil) }
`,
		"kms": "package kms\n\nimport \"github.com/hashicorp/terraform-provider-aws/internal/conns\"\n\nvar X = (*conns.AWSClient).KMSClient\n",
		"ec2": "package ec2\n\nimport \"github.com/hashicorp/terraform-provider-aws/internal/conns\"\n\nfunc f(c *conns.AWSClient) { c.EC2Client(nil) }\n",
		"iot": "package iot\n\nimport \"github.com/hashicorp/terraform-provider-aws/internal/conns\"\n\nfunc f(c *conns.AWSClient) { c.IoTClient(nil) }\n",
	} {
		write(t, filepath.Join(dir, "internal/service", pkg, pkg+".go"), body)
		write(t, filepath.Join(dir, "internal/service", pkg, "service_package_gen.go"),
			"package "+pkg+"\n\nvar types = []string{\n\t// TypeName: \"aws_"+pkg+"_thing\",\n}\n")
	}
	return dir
}

func TestApplyKeepsListedPackagesAndTheClientsTheyCall(t *testing.T) {
	dir := fakeProvider(t)
	if err := apply(dir, []string{"sqs"}); err != nil {
		t.Fatal(err)
	}
	sp, _ := os.ReadFile(filepath.Join(dir, "internal/provider/sdkv2/service_packages_gen.go"))
	for _, want := range []string{"sqs.ServicePackage(ctx)", `"github.com/hashicorp/terraform-provider-aws/internal/service/sqs"`} {
		if !strings.Contains(string(sp), want) {
			t.Errorf("service_packages_gen.go lost %s:\n%s", want, sp)
		}
	}
	for _, gone := range []string{"ec2", "iot"} {
		if strings.Contains(string(sp), gone) {
			t.Errorf("service_packages_gen.go still names %s:\n%s", gone, sp)
		}
	}
	cl, _ := os.ReadFile(filepath.Join(dir, "internal/conns/awsclient_gen.go"))
	// sqs calls SQSClient and imports the kms package, which refers to KMSClient: both stay.
	for _, want := range []string{"SQSClient", "KMSClient", "aws-sdk-go-v2/service/sqs", "aws-sdk-go-v2/service/kms"} {
		if !strings.Contains(string(cl), want) {
			t.Errorf("awsclient_gen.go lost %s:\n%s", want, cl)
		}
	}
	for _, gone := range []string{"EC2Client", "IoTClient", "service/ec2", "service/iot"} {
		if strings.Contains(string(cl), gone) {
			t.Errorf("awsclient_gen.go still has %s:\n%s", gone, cl)
		}
	}
}

func TestApplyRefusesAnUnknownPackage(t *testing.T) {
	if err := apply(fakeProvider(t), []string{"sqs", "nosuchservice"}); err == nil {
		t.Fatal("apply accepted a service package the provider does not have")
	}
}

func TestListMapsTypesToPackagesAndRefusesUnknownTypes(t *testing.T) {
	aws := fakeProvider(t)
	for pkg := range map[string]bool{"sqs": true, "ec2": true} {
		write(t, filepath.Join(aws, "internal/service", pkg, "service_package_gen.go"),
			"package "+pkg+"\n\nvar x = struct{ TypeName string }{\n\tTypeName: \"aws_"+pkg+"_thing\",\n}\n")
	}
	root := t.TempDir()
	write(t, filepath.Join(root, "modules/q/main.tf"), "resource \"aws_sqs_thing\" \"q\" {}\n")
	write(t, filepath.Join(root, "test/x_test.go"), "package test\n\nconst cfg = `data \"aws_ec2_thing\" \"v\" {}`\n")
	write(t, filepath.Join(root, "modules/q/.terraform/modules/m/main.tf"), "resource \"aws_ignored_thing\" \"x\" {}\n")
	out, err := listServices(root, aws)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\nec2 # aws_ec2_thing\nsqs # aws_sqs_thing\n") {
		t.Errorf("list:\n%s", out)
	}
	names, err := readServiceList(writeTemp(t, out))
	if err != nil || strings.Join(names, ",") != "ec2,sqs" {
		t.Errorf("readServiceList = %v, %v", names, err)
	}
	write(t, filepath.Join(root, "modules/q/more.tf"), "resource \"aws_unknown_thing\" \"u\" {}\n")
	if _, err := listServices(root, aws); err == nil || !strings.Contains(err.Error(), "aws_unknown_thing") {
		t.Errorf("a type no package registers: err = %v", err)
	}
}

func writeTemp(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "services.txt")
	write(t, p, content)
	return p
}
