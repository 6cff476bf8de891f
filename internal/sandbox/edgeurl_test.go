package sandbox

import "testing"

func TestEdgeURL(t *testing.T) {
	const ep = "http://127.0.0.1:41234"
	for in, want := range map[string]string{
		"https://E1a2b3c4d-5e6f.cloudfront.net":                  ep + "/kumo/cdn/E1a2b3c4d-5e6f",
		"https://E1a2b3c4d-5e6f.cloudfront.net/":                 ep + "/kumo/cdn/E1a2b3c4d-5e6f/",
		"https://E1a2b3c4d-5e6f.cloudfront.net/videos/a.mp4?x=1": ep + "/kumo/cdn/E1a2b3c4d-5e6f/videos/a.mp4?x=1",
		"http://E1.cloudfront.net":                               "http://E1.cloudfront.net",
		"https://E1.cloudfront.net.evil.example":                 "https://E1.cloudfront.net.evil.example",
		"https://a.b.cloudfront.net":                             "https://a.b.cloudfront.net",
		"https://E1.cloudfront.netx/":                            "https://E1.cloudfront.netx/",
		"x https://E1.cloudfront.net":                            "x https://E1.cloudfront.net",
		"videos/":                                                "videos/",
		"":                                                       "",
	} {
		if got := EdgeURL(ep, in); got != want {
			t.Errorf("EdgeURL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := EdgeURL(ep+"/", "https://E1.cloudfront.net/a"); got != ep+"/kumo/cdn/E1/a" {
		t.Errorf("trailing slash endpoint: %q", got)
	}
}
