// Package restapi calls a deployed REST API the way a client app does, in the sandbox or on AWS alike.
package restapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client sends requests to one API stage.
type Client struct {
	// BaseURL is the stage's URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/v1.
	BaseURL string
	// Host, when set, overrides the Host header (the sandbox routes execute-api requests by it).
	Host string
	// Header is added to every request (e.g. Authorization).
	Header http.Header
	HTTP   *http.Client
}

// ForSandbox is a client for a REST API stage served by the sandbox at endpoint.
func ForSandbox(endpoint, region, apiID, stage string) *Client {
	return &Client{
		BaseURL: strings.TrimRight(endpoint, "/") + "/" + stage,
		Host:    fmt.Sprintf("%s.execute-api.%s.amazonaws.com", apiID, region),
		HTTP:    &http.Client{Timeout: 30 * time.Second},
	}
}

// ForURL is a client for a stage's public invoke URL (real AWS).
func ForURL(invokeURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(invokeURL, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Response is a finished call.
type Response struct {
	Status int
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %d response %q: %w", r.Status, r.Body, err)
	}
	return nil
}

// Do sends method path with body (nil, a string, []byte or any JSON-encodable value).
func (c *Client) Do(ctx context.Context, method, path string, body any) (Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return Response{}, err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return Response{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.Host != "" {
		req.Host = c.Host
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20))
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Body: data}, nil
}
