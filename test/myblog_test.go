package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
)

// TestMyBlog deploys examples/myblog and walks what a reader, a subscriber and the author see: the site's
// index.html through CloudFront (and not straight from the private bucket), published posts through the same
// distribution at /api/* (and not straight from the API: without the origin header or with a wrong one it is
// refused), exactly one welcome e-mail per new subscriber (none for an update or a delete), a thumbnail of the right
// size for an uploaded photo and none for a file that is not an image, a rotation of the origin secret; then an empty
// re-plan and a clean destroy.
func TestMyBlog(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	sender := "blog-" + uniqueName("s") + "@example.com"
	opts := stage(t, tg, "myblog", map[string]any{
		"name":                 uniqueName("blog"),
		"sender_address":       sender,
		"bucket_force_destroy": true,
	})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	ctx := context.Background()
	cfg := tg.awsConfig(t)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = tg.sandbox() })
	db := dynamodb.NewFromConfig(cfg)
	site := tg.siteURL(t, opts)

	t.Run("site", func(t *testing.T) {
		index := []byte("<!doctype html><title>MyBlog</title><h1>" + uniqueName("hello") + "</h1>")
		bucket := terraform.OutputContext(t, t.Context(), opts, "site_bucket_name")
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("index.html"), Body: bytes.NewReader(index), ContentType: aws.String("text/html"),
		}); err != nil {
			t.Fatal(err)
		}
		status, body := fetch(t, site+"/index.html")
		if status != http.StatusOK || !bytes.Equal(body, index) {
			t.Fatalf("GET /index.html through CloudFront: HTTP %d %q, want 200 and the page", status, body)
		}
		if !tg.sandbox() { // kumo's edge has no default root object
			if status, body := fetch(t, site+"/"); status != http.StatusOK || !bytes.Equal(body, index) {
				t.Fatalf("GET / through CloudFront: HTTP %d %q, want the default root object", status, body)
			}
		}
		// Straight from the bucket, unsigned: AWS refuses (the policy allows only the distribution); kumo does not
		// check S3 authorization, so there the bucket policy is proven by the module's tofu test instead.
		direct := tg.directObjectURL(bucket, "index.html")
		if status, _ := fetch(t, direct); status != http.StatusForbidden && !tg.sandbox() {
			t.Fatalf("unsigned GET %s: HTTP %d, want 403", direct, status)
		}
	})

	t.Run("posts", func(t *testing.T) {
		tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "posts_function_name"), "posts")
		tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "origin_verify_function_name"), "originverify")
		table := terraform.OutputContext(t, t.Context(), opts, "posts_table_name")
		now := time.Now().UTC()
		for _, p := range []struct {
			id        string
			published bool
			at        time.Time
		}{{"hello-world", true, now.Add(-2 * time.Hour)}, {"second-post", true, now.Add(-time.Hour)}, {"a-draft", false, now.Add(-time.Hour)}} {
			if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
				"id":           &types.AttributeValueMemberS{Value: p.id},
				"title":        &types.AttributeValueMemberS{Value: strings.ToUpper(p.id)},
				"body":         &types.AttributeValueMemberS{Value: "text of " + p.id},
				"published":    &types.AttributeValueMemberBOOL{Value: p.published},
				"published_at": &types.AttributeValueMemberS{Value: p.at.Format(time.RFC3339)},
			}}); err != nil {
				t.Fatal(err)
			}
		}
		status, body := fetch(t, site+"/api/posts")
		var list struct {
			Posts []struct {
				ID   string `json:"id"`
				Body string `json:"body"`
			} `json:"posts"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &list) != nil {
			t.Fatalf("GET /api/posts through CloudFront: HTTP %d %s", status, body)
		}
		if len(list.Posts) != 2 || list.Posts[0].ID != "second-post" || list.Posts[1].ID != "hello-world" || list.Posts[0].Body != "" {
			t.Fatalf("GET /api/posts = %s, want the two published posts, newest first, without bodies", body)
		}
		if status, body := fetch(t, site+"/api/posts/hello-world"); status != http.StatusOK || !bytes.Contains(body, []byte(`"body":"text of hello-world"`)) {
			t.Fatalf("GET /api/posts/hello-world: HTTP %d %s", status, body)
		}
		for path, want := range map[string]int{
			"/api/posts/a-draft":   http.StatusNotFound,
			"/api/posts/..x":       http.StatusBadRequest,
			"/api/posts?limit=500": http.StatusBadRequest,
		} {
			if status, body := fetch(t, site+path); status != want {
				t.Errorf("GET %s: HTTP %d %s, want %d", path, status, body, want)
			}
		}

		// Only through the distribution: the same request straight to the API's invoke URL is refused by the
		// origin-verify authorizer before the posts function runs — 401 without the origin header, 403 with a wrong
		// value — while a viewer who sends the header through the distribution still gets the posts (CloudFront
		// replaces it with the secret).
		header := terraform.OutputContext(t, t.Context(), opts, "origin_verify_header_name")
		direct := tg.directAPI(t, terraform.OutputContext(t, t.Context(), opts, "api_url"))
		edge := &restapi.Client{BaseURL: site, HTTP: &http.Client{Timeout: 30 * time.Second}}
		for _, tc := range []struct {
			name   string
			client *restapi.Client
			value  string
			want   int
		}{
			{"direct, no origin header", direct, "", http.StatusUnauthorized},
			{"direct, wrong origin header", direct, strings.Repeat("0", 64), http.StatusForbidden},
			{"direct, another wrong origin header", direct, "guess", http.StatusForbidden},
			{"through the distribution", edge, "", http.StatusOK},
			{"through the distribution, viewer sends a wrong origin header", edge, strings.Repeat("0", 64), http.StatusOK},
		} {
			c := *tc.client
			if tc.value != "" {
				c.Header = http.Header{header: {tc.value}}
			}
			resp, err := c.Do(ctx, http.MethodGet, "/api/posts", nil)
			if err != nil {
				t.Fatalf("%s: GET /api/posts: %v", tc.name, err)
			}
			if resp.Status != tc.want || (tc.want != http.StatusOK && bytes.Contains(resp.Body, []byte("hello-world"))) {
				t.Errorf("%s: GET /api/posts: HTTP %d %s, want %d", tc.name, resp.Status, resp.Body, tc.want)
			}
			if tc.want == http.StatusOK && !bytes.Contains(resp.Body, []byte(`"id":"hello-world"`)) {
				t.Errorf("%s: GET /api/posts: %s, want the posts", tc.name, resp.Body)
			}
		}
		tg.alive(t)
	})

	t.Run("welcome mail", func(t *testing.T) {
		fn := terraform.OutputContext(t, t.Context(), opts, "welcome_function_name")
		tg.startFunction(t, fn, "welcome")
		stream := terraform.OutputContext(t, t.Context(), opts, "users_stream_arn")
		tg.driveEventSource(t, fn, stream)
		table := terraform.OutputContext(t, t.Context(), opts, "users_table_name")
		reader := "reader-" + uniqueName("r") + "@example.com"
		put := func(name string) {
			t.Helper()
			if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
				"user_id": &types.AttributeValueMemberS{Value: "u-" + reader},
				"email":   &types.AttributeValueMemberS{Value: reader},
				"name":    &types.AttributeValueMemberS{Value: name},
			}}); err != nil {
				t.Fatal(err)
			}
		}
		put("Ann")
		if _, ok := tg.sentMail(t, sender); !ok {
			t.Log("no readable mailbox on this target; the welcome function's delivery is checked in the sandbox")
			return
		}
		// Once the stream is drained, every invocation for the write has returned: the mailbox is final.
		tg.waitStreamDrained(t, fn, stream, 30*time.Second)
		mails, _ := tg.sentMail(t, sender)
		if len(mails) != 1 || len(mails[0].Destination) != 1 || mails[0].Destination[0] != reader || !strings.Contains(mails[0].Body+mails[0].HTMLBody, "Ann") {
			t.Fatalf("mails from %s: %+v, want one welcome mail to %s naming Ann", sender, mails, reader)
		}
		// An update and a delete of the subscriber send nothing more; a second subscriber gets their own mail.
		put("Ann B.")
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
			"user_id": &types.AttributeValueMemberS{Value: "u-" + reader},
		}}); err != nil {
			t.Fatal(err)
		}
		second := "second-" + reader
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
			"user_id": &types.AttributeValueMemberS{Value: "u-" + second},
			"email":   &types.AttributeValueMemberS{Value: second},
		}}); err != nil {
			t.Fatal(err)
		}
		// A row without an e-mail address is skipped with a logged reason, and the stream keeps flowing.
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
			"user_id": &types.AttributeValueMemberS{Value: "u-no-mail-" + reader},
		}}); err != nil {
			t.Fatal(err)
		}
		tg.waitStreamDrained(t, fn, stream, 30*time.Second)
		mails, _ = tg.sentMail(t, sender)
		var to []string
		for _, m := range mails {
			to = append(to, m.Destination...)
		}
		if len(mails) != 2 || to[0] != reader || to[1] != second {
			t.Fatalf("mails went to %q, want exactly [%s %s]", to, reader, second)
		}
		tg.alive(t)
	})

	t.Run("thumbnails", func(t *testing.T) {
		fn := terraform.OutputContext(t, t.Context(), opts, "thumbnail_function_name")
		tg.startFunction(t, fn, "thumbnail")
		bucket := terraform.OutputContext(t, t.Context(), opts, "uploads_bucket_name")
		tg.deliverBucketNotifications(t, bucket)
		put := func(key, contentType string, body []byte) {
			t.Helper()
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body), ContentType: aws.String(contentType),
			}); err != nil {
				t.Fatal(err)
			}
		}
		put("uploads/notes.txt", "text/plain", []byte("not a photo"))
		put("uploads/trip/beach.png", "image/png", photo(t, 1200, 800))

		thumb := waitForObject(t, s3c, bucket, "thumbnails/trip/beach.png", 30*time.Second)
		img, format, err := image.Decode(bytes.NewReader(thumb))
		if err != nil || format != "png" {
			t.Fatalf("thumbnail is not a PNG: %v (%s)", err, format)
		}
		if b := img.Bounds(); b.Dx() != 200 || b.Dy() < 133 || b.Dy() > 134 {
			t.Fatalf("thumbnail is %dx%d, want 200 wide with the photo's aspect (≈200x133)", b.Dx(), b.Dy())
		}
		// The text file got no thumbnail, and no thumbnail of a thumbnail appeared.
		out, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("thumbnails/")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Contents) != 1 {
			var keys []string
			for _, o := range out.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
			t.Fatalf("objects under thumbnails/: %q, want only thumbnails/trip/beach.png", keys)
		}
		tg.alive(t)
	})

	// Rotating the origin secret: a new value, which the distribution sends from the same apply on and the authorizer
	// picks up without a restart; Secrets Manager keeps the one before as AWSPREVIOUS (accepted while CloudFront
	// deploys; that the authorizer accepts it, and only with accept_previous, is unit-tested in
	// lambda-src/internal/originverify: here API Gateway's cached answer for it would hide the difference).
	t.Run("origin secret rotation", func(t *testing.T) {
		sm := secretsmanager.NewFromConfig(cfg)
		secretARN := terraform.OutputContext(t, t.Context(), opts, "origin_verify_secret_arn")
		read := func(stage string) (string, bool) {
			t.Helper()
			out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN), VersionStage: aws.String(stage)})
			var notFound *smtypes.ResourceNotFoundException
			if errors.As(err, &notFound) {
				return "", false
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := aws.ToString(out.SecretString); len(v) != 64 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
				t.Fatalf("the origin secret's %s value is not 64 letters and digits (%d characters)", stage, len(v))
			}
			return aws.ToString(out.SecretString), true
		}
		header := terraform.OutputContext(t, t.Context(), opts, "origin_verify_header_name")
		direct := tg.directAPI(t, terraform.OutputContext(t, t.Context(), opts, "api_url"))
		get := func(value string) int {
			t.Helper()
			c := *direct
			c.Header = http.Header{header: {value}}
			resp, err := c.Do(ctx, http.MethodGet, "/api/posts", nil)
			if err != nil {
				t.Fatal(err)
			}
			return resp.Status
		}
		first, _ := read("AWSCURRENT")
		if _, ok := read("AWSPREVIOUS"); ok {
			t.Fatal("before any rotation the secret has a previous value")
		}
		// The secret itself opens the API, also straight: the authorizer decides by the value, not by the caller.
		if status := get(first); status != http.StatusOK {
			t.Fatalf("direct GET with the current secret: HTTP %d, want 200", status)
		}

		opts.Vars["origin_verify_secret_version"] = 2
		terraform.ApplyContext(t, t.Context(), opts)
		second, _ := read("AWSCURRENT")
		if previous, ok := read("AWSPREVIOUS"); second == first || !ok || previous != first {
			t.Fatal("after the rotation the secret must hold a new current value and the old one as AWSPREVIOUS")
		}
		if status := get(second); status != http.StatusOK {
			t.Fatalf("direct GET with the new secret: HTTP %d, want 200 (the authorizer re-reads the secret)", status)
		}
		if status, body := fetch(t, site+"/api/posts"); status != http.StatusOK {
			t.Fatalf("GET /api/posts through the distribution after the rotation: HTTP %d %s", status, body)
		}
		tg.alive(t)
	})

	t.Run("alarms", func(t *testing.T) {
		// Every alarm (both dead-letter queues, the posts function's and the origin-verify authorizer's errors)
		// notifies the deployment's alarm topic.
		name, ok := opts.Vars["name"].(string)
		if !ok {
			t.Fatalf("the deployment's name variable is %T, want a string", opts.Vars["name"])
		}
		assertAlarmNotifiesTopic(t, tg, terraform.OutputContext(t, t.Context(), opts, "alarm_topic_arn"),
			name+"-thumbnail-dlq-not-empty", name+"-welcome-dlq-not-empty", name+"-posts-errors", name+"-origin-verify-errors")
	})

	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// photo is a PNG of the given size with a gradient (so that it does not compress to nothing).
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: uint8(x + y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func waitForObject(t *testing.T, c *s3.Client, bucket, key string, within time.Duration) []byte {
	t.Helper()
	var body []byte
	eventually(t, within, "s3://"+bucket+"/"+key, func() error {
		out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(out.Body); err != nil {
			return err
		}
		body = buf.Bytes()
		return nil
	})
	return body
}
