package todos

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func do(t *testing.T, h *Handler, req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	t.Helper()
	resp, err := h.Handle(context.Background(), req)
	if err != nil {
		t.Fatalf("Handle error: %v", err)
	}
	checkResponse(t, resp)
	return resp
}

// checkResponse asserts the invariants every response must satisfy.
func checkResponse(t *testing.T, resp events.APIGatewayProxyResponse) {
	t.Helper()
	if resp.StatusCode == http.StatusNoContent {
		if resp.Body != "" {
			t.Errorf("204 with a body: %q", resp.Body)
		}
		return
	}
	if got := resp.Headers["Content-Type"]; got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &obj); err != nil {
		t.Errorf("body is not a JSON object: %v (%q)", err, resp.Body)
	}
	if resp.StatusCode >= 400 {
		if msg, ok := obj["error"].(string); !ok || msg == "" {
			t.Errorf("error response without error message: %q", resp.Body)
		}
	}
	if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Headers["WWW-Authenticate"], "Bearer") {
		t.Errorf("401 without WWW-Authenticate: Bearer: %v", resp.Headers)
	}
}

func errorOf(t *testing.T, resp events.APIGatewayProxyResponse) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &e); err != nil {
		t.Fatalf("unmarshal error body: %v", err)
	}
	return e.Error
}

func decodeTodo(t *testing.T, resp events.APIGatewayProxyResponse) Todo {
	t.Helper()
	var td Todo
	if err := json.Unmarshal([]byte(resp.Body), &td); err != nil {
		t.Fatal(err)
	}
	return td
}

type listBody struct {
	Todos      []Todo  `json:"todos"`
	NextCursor *string `json:"next_cursor"`
}

func decodeList(t *testing.T, resp events.APIGatewayProxyResponse) listBody {
	t.Helper()
	var l listBody
	if err := json.Unmarshal([]byte(resp.Body), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func ids(todos []Todo) string {
	var s []string
	for _, td := range todos {
		s = append(s, td.ID)
	}
	return strings.Join(s, ",")
}

func TestCreate(t *testing.T) {
	wantTime := "2024-05-06T06:08:09Z"
	tests := []struct {
		name      string
		body      string
		b64       bool
		wantTitle string
		wantDone  bool
	}{
		{"minimal", `{"title":"buy milk"}`, false, "buy milk", false},
		{"done false explicit", `{"title":"buy milk","done":false}`, false, "buy milk", false},
		{"done true", `{"title":"ship it","done":true}`, false, "ship it", true},
		{"done null", `{"title":"x","done":null}`, false, "x", false},
		{"title trimmed", "{\"title\":\"  \\t spaced out \\n \"}", false, "spaced out", false},
		{"surrounding whitespace", " \n {\"title\":\"ws\"} \n ", false, "ws", false},
		{"200 multibyte runes", `{"title":"` + strings.Repeat("é", 200) + `"}`, false, strings.Repeat("é", 200), false},
		{"200 runes after trim", `{"title":"  ` + strings.Repeat("a", 200) + `  "}`, false, strings.Repeat("a", 200), false},
		{"base64 body", base64.StdEncoding.EncodeToString([]byte(`{"title":"from b64","done":true}`)), true, "from b64", true},
		{"body exactly at limit", `{"title":"big"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"big"}`)), false, "big", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			req := as("user-a", collectionReq(http.MethodPost, tc.body))
			req.IsBase64Encoded = tc.b64
			resp := do(t, env.h, req)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status = %d, body %s", resp.StatusCode, resp.Body)
			}
			var raw map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"id": testID(1), "owner": "user-a", "title": tc.wantTitle,
				"done": tc.wantDone, "created_at": wantTime,
			}
			if fmt.Sprint(raw) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", raw, want)
			}
			stored, err := env.store.Get(context.Background(), "user-a", testID(1))
			if err != nil {
				t.Fatalf("todo not stored: %v", err)
			}
			if stored.Title != tc.wantTitle || stored.Done != tc.wantDone || stored.CreatedAt.Format(time.RFC3339) != wantTime {
				t.Errorf("stored = %+v", stored)
			}
		})
	}
}

// bodyValidationCases are the body errors POST and PATCH share.
func bodyValidationCases() []struct {
	name       string
	body       string
	b64        bool
	wantStatus int
	wantErr    string
} {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return []struct {
		name       string
		body       string
		b64        bool
		wantStatus int
		wantErr    string
	}{
		{"empty body", "", false, 400, "request body is required"},
		{"whitespace body", "  \n", false, 400, "request body is required"},
		{"empty title", `{"title":""}`, false, 400, "title is required"},
		{"blank title", `{"title":"  \t\n "}`, false, 400, "title is required"},
		{"title too long", `{"title":"` + strings.Repeat("a", 201) + `"}`, false, 400, "title must be at most 200 characters"},
		{"title too long multibyte", `{"title":"` + strings.Repeat("日", 201) + `"}`, false, 400, "title must be at most 200 characters"},
		{"title number", `{"title":42}`, false, 400, "title must be a string"},
		{"title object", `{"title":{"a":1}}`, false, 400, "title must be a string"},
		{"done string", `{"title":"x","done":"yes"}`, false, 400, "done must be a boolean"},
		{"done number", `{"title":"x","done":1}`, false, 400, "done must be a boolean"},
		{"unknown field", `{"title":"x","priority":1}`, false, 400, `unknown field "priority"`},
		{"unknown field id", `{"title":"x","id":"mine"}`, false, 400, `unknown field "id"`},
		{"unknown field owner", `{"title":"x","owner":"someone-else"}`, false, 400, `unknown field "owner"`},
		{"array body", `[{"title":"x"}]`, false, 400, "request body must be a JSON object"},
		{"null body", `null`, false, 400, "request body must be a JSON object"},
		{"string body", `"title"`, false, 400, "request body must be a JSON object"},
		{"number body", `12`, false, 400, "request body must be a JSON object"},
		{"form body", `title=x`, false, 400, "request body must be a JSON object"},
		{"truncated json", `{"title":"x"`, false, 400, "request body is not valid JSON"},
		{"syntax error", `{"title":"x",}`, false, 400, "request body is not valid JSON"},
		{"trailing object", `{"title":"x"}{"title":"y"}`, false, 400, "request body must contain a single JSON object"},
		{"trailing garbage", `{"title":"x"} nope`, false, 400, "request body must contain a single JSON object"},
		{"invalid base64", "!!!not base64!!!", true, 400, "request body is not valid base64"},
		{"base64 of bad json", b64(`{"title":`), true, 400, "request body is not valid JSON"},
		{"base64 unknown field", b64(`{"title":"x","x":1}`), true, 400, `unknown field "x"`},
		{"oversized body", `{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes), false, 413, "request body too large"},
		{"oversized by one byte", `{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"x"}`)+1), false, 413, "request body too large"},
		{"oversized base64 decoded", b64(`{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"x"}`)+1)), true, 413, "request body too large"},
		{"oversized base64 encoded", strings.Repeat("A", 4*MaxBodyBytes), true, 413, "request body too large"},
	}
}

func TestCreateValidation(t *testing.T) {
	cases := bodyValidationCases()
	cases = append(cases, []struct {
		name       string
		body       string
		b64        bool
		wantStatus int
		wantErr    string
	}{
		{"missing title", `{"done":true}`, false, 400, "title is required"},
		{"empty object", `{}`, false, 400, "title is required"},
		{"null title", `{"title":null}`, false, 400, "title is required"},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			req := as("user-a", collectionReq(http.MethodPost, tc.body))
			req.IsBase64Encoded = tc.b64
			resp := do(t, env.h, req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if msg := errorOf(t, resp); !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", msg, tc.wantErr)
			}
			if env.store.writes() != 0 {
				t.Errorf("store written for invalid input")
			}
		})
	}
}

func seed(env *testEnv, owner string, n int) []Todo {
	var out []Todo
	for i := 1; i <= n; i++ {
		td := Todo{ID: testID(100 + i), Owner: owner, Title: fmt.Sprintf("todo %d", i), CreatedAt: fixedNow.UTC().Truncate(time.Second)}
		env.store.add(td)
		out = append(out, td)
	}
	return out
}

func TestPatch(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name      string
		body      string
		b64       bool
		wantTitle string
		wantDone  bool
	}{
		{"title only", `{"title":"renamed"}`, false, "renamed", false},
		{"done only", `{"done":true}`, false, "todo 1", true},
		{"both", `{"title":"both","done":true}`, false, "both", true},
		{"done false", `{"done":false}`, false, "todo 1", false},
		{"title trimmed", `{"title":"  padded  "}`, false, "padded", false},
		{"200 runes", `{"title":"` + strings.Repeat("ü", 200) + `"}`, false, strings.Repeat("ü", 200), false},
		{"base64", b64(`{"done":true}`), true, "todo 1", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			orig := seed(env, "user-a", 1)[0]
			req := as("user-a", patchReq(orig.ID, tc.body))
			req.IsBase64Encoded = tc.b64
			resp := do(t, env.h, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
			}
			got := decodeTodo(t, resp)
			want := orig
			want.Title, want.Done = tc.wantTitle, tc.wantDone
			if !got.CreatedAt.Equal(want.CreatedAt) || got.ID != want.ID || got.Owner != want.Owner ||
				got.Title != want.Title || got.Done != want.Done {
				t.Errorf("response %+v, want %+v", got, want)
			}
			stored, _ := env.store.Get(context.Background(), "user-a", orig.ID)
			if stored.Title != tc.wantTitle || stored.Done != tc.wantDone {
				t.Errorf("stored %+v", stored)
			}
		})
	}
}

func TestPatchValidation(t *testing.T) {
	cases := bodyValidationCases()
	cases = append(cases, []struct {
		name       string
		body       string
		b64        bool
		wantStatus int
		wantErr    string
	}{
		{"empty object", `{}`, false, 400, `request body must set "title" or "done"`},
		{"null title", `{"title":null}`, false, 400, "title must be a string"},
		{"null done", `{"done":null}`, false, 400, "done must be a boolean"},
		{"null done with title", `{"title":"x","done":null}`, false, 400, "done must be a boolean"},
		{"done object", `{"done":{}}`, false, 400, "done must be a boolean"},
		{"title array", `{"title":["x"]}`, false, 400, "title must be a string"},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			orig := seed(env, "user-a", 1)[0]
			req := as("user-a", patchReq(orig.ID, tc.body))
			req.IsBase64Encoded = tc.b64
			resp := do(t, env.h, req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if msg := errorOf(t, resp); !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", msg, tc.wantErr)
			}
			if env.store.writes() != 0 {
				t.Errorf("store written for invalid input")
			}
			if stored, _ := env.store.Get(context.Background(), "user-a", orig.ID); stored != orig {
				t.Errorf("todo changed: %+v", stored)
			}
		})
	}
}

func TestPatchAndDeleteMissing(t *testing.T) {
	env := newTestEnv()
	mine := seed(env, "user-a", 1)[0]
	for _, req := range []events.APIGatewayProxyRequest{
		as("user-a", patchReq(testID(999), `{"done":true}`)),
		as("user-a", itemReq(http.MethodDelete, testID(999))),
		as("user-a", itemReq(http.MethodGet, testID(999))),
		// Another owner's todo does not exist for user-b.
		as("user-b", patchReq(mine.ID, `{"title":"stolen"}`)),
		as("user-b", itemReq(http.MethodDelete, mine.ID)),
		as("user-b", itemReq(http.MethodGet, mine.ID)),
	} {
		resp := do(t, env.h, req)
		if resp.StatusCode != 404 || errorOf(t, resp) != "todo not found" {
			t.Errorf("%s as %s: %d %s", req.HTTPMethod, req.Headers["Authorization"], resp.StatusCode, resp.Body)
		}
	}
	if stored, err := env.store.Get(context.Background(), "user-a", mine.ID); err != nil || stored != mine {
		t.Errorf("user-a's todo after user-b's attempts: %+v %v", stored, err)
	}
	if _, err := env.store.Get(context.Background(), "user-a", testID(999)); !errors.Is(err, ErrNotFound) {
		t.Errorf("PATCH of a missing todo created it")
	}
}

func TestDelete(t *testing.T) {
	env := newTestEnv()
	todos := seed(env, "user-a", 2)
	resp := do(t, env.h, as("user-a", itemReq(http.MethodDelete, todos[0].ID)))
	if resp.StatusCode != 204 || resp.Body != "" {
		t.Fatalf("DELETE: %d %q", resp.StatusCode, resp.Body)
	}
	if resp := do(t, env.h, as("user-a", itemReq(http.MethodGet, todos[0].ID))); resp.StatusCode != 404 {
		t.Errorf("GET after DELETE: %d", resp.StatusCode)
	}
	if resp := do(t, env.h, as("user-a", itemReq(http.MethodDelete, todos[0].ID))); resp.StatusCode != 404 {
		t.Errorf("second DELETE: %d", resp.StatusCode)
	}
	l := decodeList(t, do(t, env.h, as("user-a", listReq(nil))))
	if ids(l.Todos) != todos[1].ID {
		t.Errorf("list after DELETE = %s", ids(l.Todos))
	}
}

func TestGet(t *testing.T) {
	env := newTestEnv()
	id := testID(7)
	env.store.add(Todo{ID: id, Owner: "user-a", Title: "t", Done: true, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})

	resp := do(t, env.h, as("user-a", itemReq(http.MethodGet, id)))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	wantBody := `{"id":"` + id + `","owner":"user-a","title":"t","done":true,"created_at":"2024-01-02T03:04:05Z"}`
	if resp.Body != wantBody {
		t.Errorf("body = %s, want %s", resp.Body, wantBody)
	}
	if resp := do(t, env.h, as("user-a", itemReq(http.MethodGet, testID(8)))); resp.StatusCode != 404 {
		t.Errorf("absent valid id: %d", resp.StatusCode)
	}
}

func TestBadIDs(t *testing.T) {
	valid := testID(1)
	bad := []string{
		"missing",
		"does-not-exist",
		strings.ToLower(valid),                  // not canonical
		valid + "0",                             // 27 characters
		valid[:25],                              // 25 characters
		"8" + valid[1:],                         // overflows 128 bits
		valid[:10] + "IIIIIIIIIIIIIIII",         // I is not Crockford base32
		valid[:25] + "U",                        // nor is U
		strings.Repeat("x", 2000),               // longer than any key
		"bad\xffutf8",                           // invalid UTF-8
		"0123456789abcdef0123456789abcdef",      // the old hex ids
		"01HZX3\u00e901HZX3\u00e901HZX3\u00e90", // non-ASCII
	}
	env := newTestEnv()
	env.store.add(Todo{ID: valid, Owner: "user-a", Title: "t", CreatedAt: fixedNow})
	for _, id := range bad {
		for _, req := range []events.APIGatewayProxyRequest{
			itemReq(http.MethodGet, id),
			patchReq(id, `{"done":true}`),
			itemReq(http.MethodDelete, id),
		} {
			resp := do(t, env.h, as("user-a", req))
			if resp.StatusCode != 400 || !strings.Contains(errorOf(t, resp), "invalid todo id") {
				t.Errorf("%s %.30q: %d %s", req.HTTPMethod, id, resp.StatusCode, resp.Body)
			}
		}
	}
	if env.store.count("get")+env.store.writes() != 0 {
		t.Error("store called with an invalid id")
	}
}

func TestListPagination(t *testing.T) {
	env := newTestEnv()
	all := seed(env, "user-a", 5)
	seed(env, "user-b", 3) // never visible to user-a

	var got []Todo
	var pages []int
	cursor := ""
	for range 10 {
		q := map[string]string{"limit": "2"}
		if cursor != "" {
			q["cursor"] = cursor
		}
		resp := do(t, env.h, as("user-a", listReq(q)))
		if resp.StatusCode != 200 {
			t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
		}
		l := decodeList(t, resp)
		got = append(got, l.Todos...)
		pages = append(pages, len(l.Todos))
		if l.NextCursor == nil {
			if strings.Contains(resp.Body, "next_cursor") {
				t.Errorf("last page carries next_cursor: %s", resp.Body)
			}
			break
		}
		cursor = *l.NextCursor
		if cursor == "" {
			t.Fatal("empty next_cursor")
		}
	}
	if fmt.Sprint(pages) != "[2 2 1]" {
		t.Errorf("page sizes %v, want [2 2 1]", pages)
	}
	if ids(got) != ids(all) {
		t.Errorf("ids = %s, want %s (creation order)", ids(got), ids(all))
	}

	// An exactly full last page has no cursor.
	l := decodeList(t, do(t, env.h, as("user-a", listReq(map[string]string{"limit": "5"}))))
	if len(l.Todos) != 5 || l.NextCursor != nil {
		t.Errorf("limit=5 of 5: %d todos, cursor %v", len(l.Todos), l.NextCursor)
	}
}

func TestListDefaultsAndLimits(t *testing.T) {
	env := newTestEnv()
	seed(env, "user-a", 120)
	tests := []struct {
		query      map[string]string
		wantStatus int
		wantCount  int
		wantCursor bool
	}{
		{nil, 200, DefaultPageSize, true},
		{map[string]string{"limit": "1"}, 200, 1, true},
		{map[string]string{"limit": "100"}, 200, 100, true},
		{map[string]string{"cursor": ""}, 200, DefaultPageSize, true},
		{map[string]string{"other": "x"}, 200, DefaultPageSize, true},
		{map[string]string{"limit": "0"}, 400, 0, false},
		{map[string]string{"limit": "101"}, 400, 0, false},
		{map[string]string{"limit": "-1"}, 400, 0, false},
		{map[string]string{"limit": ""}, 400, 0, false},
		{map[string]string{"limit": "ten"}, 400, 0, false},
		{map[string]string{"limit": "1.5"}, 400, 0, false},
		{map[string]string{"limit": "99999999999999999999"}, 400, 0, false},
	}
	for _, tc := range tests {
		resp := do(t, env.h, as("user-a", listReq(tc.query)))
		if resp.StatusCode != tc.wantStatus {
			t.Errorf("%v: status %d %s", tc.query, resp.StatusCode, resp.Body)
			continue
		}
		if tc.wantStatus != 200 {
			if !strings.Contains(errorOf(t, resp), "limit must be an integer from 1 to 100") {
				t.Errorf("%v: %s", tc.query, resp.Body)
			}
			continue
		}
		l := decodeList(t, resp)
		if len(l.Todos) != tc.wantCount || (l.NextCursor != nil) != tc.wantCursor {
			t.Errorf("%v: %d todos, cursor %v", tc.query, len(l.Todos), l.NextCursor)
		}
	}

	// Empty list: an array, not null, and no cursor.
	resp := do(t, env.h, as("nobody", listReq(nil)))
	if resp.StatusCode != 200 || resp.Body != `{"todos":[]}` {
		t.Fatalf("empty list: %d %s", resp.StatusCode, resp.Body)
	}
}

func TestListCursorTampering(t *testing.T) {
	env := newTestEnv()
	seed(env, "user-a", 3)
	seed(env, "user-b", 3)
	cursorOf := func(sub string) string {
		l := decodeList(t, do(t, env.h, as(sub, listReq(map[string]string{"limit": "1"}))))
		if l.NextCursor == nil {
			t.Fatal("no cursor")
		}
		return *l.NextCursor
	}
	mine, theirs := cursorOf("user-a"), cursorOf("user-b")
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	raw, _ := base64.RawURLEncoding.DecodeString(mine)

	if resp := do(t, env.h, as("user-a", listReq(map[string]string{"cursor": mine}))); resp.StatusCode != 200 {
		t.Fatalf("own cursor: %d %s", resp.StatusCode, resp.Body)
	}
	bad := map[string]string{
		"another owner's cursor":    theirs,
		"owner swapped in the JSON": enc(strings.Replace(string(raw), "user-a", "user-b", 1)),
		"not base64":                "!!!",
		"padded base64":             base64.URLEncoding.EncodeToString(raw),
		"std base64 alphabet":       strings.NewReplacer("-", "+", "_", "/").Replace(mine) + "+/",
		"truncated":                 mine[:len(mine)-3],
		"not JSON":                  enc("hello"),
		"JSON array":                enc(`["user-a","` + testID(1) + `"]`),
		"extra field":               enc(`{"owner":"user-a","id":"` + testID(1) + `","x":1}`),
		"missing owner":             enc(`{"id":"` + testID(1) + `"}`),
		"id not a ULID":             enc(`{"owner":"user-a","id":"x"}`),
		"id lower case":             enc(`{"owner":"user-a","id":"` + strings.ToLower(testID(1)) + `"}`),
		"two objects":               enc(`{"owner":"user-a","id":"` + testID(1) + `"}{}`),
		"huge":                      strings.Repeat("A", 5000),
	}
	for name, c := range bad {
		resp := do(t, env.h, as("user-a", listReq(map[string]string{"cursor": c})))
		if resp.StatusCode != 400 || errorOf(t, resp) != "invalid cursor" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
		}
	}
}

func TestRouting(t *testing.T) {
	env := newTestEnv()
	id := testID(1)
	env.store.add(Todo{ID: id, Owner: "user-a", Title: "t", CreatedAt: fixedNow})
	r := func(method, path, resource string) events.APIGatewayProxyRequest {
		return events.APIGatewayProxyRequest{HTTPMethod: method, Path: path, Resource: resource}
	}
	tests := []struct {
		name       string
		req        events.APIGatewayProxyRequest
		wantStatus int
		wantAllow  string
	}{
		{"resource list", collectionReq("GET", ""), 200, ""},
		{"resource item", itemReq("GET", id), 200, ""},
		{"path only list", r("GET", "/todos", ""), 200, ""},
		{"path only list trailing slash", r("GET", "/todos/", ""), 200, ""},
		{"path only item", r("GET", "/todos/"+id, ""), 200, ""},
		{"path with stage list", r("GET", "/prod/todos", ""), 200, ""},
		{"path with stage item", r("GET", "/prod/todos/"+id, ""), 200, ""},
		{"proxy resource falls back to path", r("GET", "/todos/"+id, "/{proxy+}"), 200, ""},
		{"item resource without path params", r("GET", "/todos/"+id, "/todos/{id}"), 200, ""},
		{"path item missing", r("GET", "/todos/"+testID(2), ""), 404, ""},
		{"path item not a ULID", r("GET", "/todos/nope", ""), 400, ""},
		{"root", r("GET", "/", ""), 404, ""},
		{"empty", events.APIGatewayProxyRequest{}, 404, ""},
		{"unknown path", r("GET", "/users", ""), 404, ""},
		{"unknown resource and path", r("GET", "/users", "/users"), 404, ""},
		{"too deep", r("GET", "/todos/"+id+"/extra", ""), 404, ""},
		{"too deep with stage", r("GET", "/a/b/todos/"+id, ""), 404, ""},
		{"empty segment", r("GET", "/todos//"+id, ""), 404, ""},
		{"delete collection", collectionReq("DELETE", ""), 405, "GET, POST"},
		{"put collection", collectionReq("PUT", `{"title":"x"}`), 405, "GET, POST"},
		{"patch collection", collectionReq("PATCH", `{"title":"x"}`), 405, "GET, POST"},
		{"lowercase method", collectionReq("get", ""), 405, "GET, POST"},
		{"empty method collection", collectionReq("", ""), 405, "GET, POST"},
		{"options collection", collectionReq("OPTIONS", ""), 405, "GET, POST"},
		{"post item", itemReq("POST", id), 405, "GET, PATCH, DELETE"},
		{"put item", itemReq("PUT", id), 405, "GET, PATCH, DELETE"},
		{"head item", itemReq("HEAD", id), 405, "GET, PATCH, DELETE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, env.h, as("user-a", tc.req))
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if got := resp.Headers["Allow"]; got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			if tc.wantStatus == 405 && errorOf(t, resp) != "method not allowed" {
				t.Errorf("error = %q", errorOf(t, resp))
			}
		})
	}
}

// TestAuthRequired: every route refuses unauthenticated callers with 401
// and WWW-Authenticate before touching the store.
func TestAuthRequired(t *testing.T) {
	id := testID(1)
	routes := []events.APIGatewayProxyRequest{
		listReq(nil),
		collectionReq("POST", `{"title":"x"}`),
		itemReq("GET", id),
		patchReq(id, `{"done":true}`),
		itemReq("DELETE", id),
		itemReq("GET", "not-a-ulid"), // auth comes before input validation
	}
	tests := []struct {
		name    string
		set     func(*events.APIGatewayProxyRequest)
		wantWWW string
		wantMsg string
	}{
		{"no Authorization header", func(*events.APIGatewayProxyRequest) {}, "Bearer", "missing bearer token"},
		{"empty bearer", func(r *events.APIGatewayProxyRequest) { r.Headers = map[string]string{"Authorization": "Bearer"} },
			"Bearer", "missing bearer token"},
		{"malformed token", func(r *events.APIGatewayProxyRequest) {
			r.Headers = map[string]string{"Authorization": "Bearer garbage"}
		},
			`Bearer error="invalid_token"`, "invalid token"},
		{"expired token", func(r *events.APIGatewayProxyRequest) {
			r.Headers = map[string]string{"Authorization": "Bearer expired"}
		},
			`Bearer error="invalid_token", error_description="the token has expired"`, "token expired"},
		{"basic auth", func(r *events.APIGatewayProxyRequest) { r.Headers = map[string]string{"Authorization": "Basic dTpw"} },
			`Bearer error="invalid_token"`, "invalid token"},
		{"claims without sub", func(r *events.APIGatewayProxyRequest) {
			r.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"email": "e"}}
		}, `Bearer error="invalid_token"`, "invalid token"},
		{"claims without sub beat a valid header", func(r *events.APIGatewayProxyRequest) {
			r.Headers = map[string]string{"Authorization": "Bearer tok-user-a"}
			r.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"sub": ""}}
		}, `Bearer error="invalid_token"`, "invalid token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			env.store.add(Todo{ID: id, Owner: "user-a", Title: "t", CreatedAt: fixedNow})
			for _, req := range routes {
				tc.set(&req)
				resp := do(t, env.h, req)
				if resp.StatusCode != 401 || resp.Headers["WWW-Authenticate"] != tc.wantWWW || errorOf(t, resp) != tc.wantMsg {
					t.Errorf("%s %s: %d %v %s", req.HTTPMethod, req.Path, resp.StatusCode, resp.Headers, resp.Body)
				}
			}
			if n := env.store.count("get") + env.store.count("list") + env.store.writes(); n != 0 {
				t.Errorf("store called %d times for unauthenticated requests", n)
			}
			if !strings.Contains(env.logs.String(), "authentication failed") {
				t.Errorf("auth failure not logged: %s", env.logs.String())
			}
		})
	}
}

func TestClaimsPath(t *testing.T) {
	env := newTestEnv()
	resp := do(t, env.h, asClaims("claims-user", collectionReq("POST", `{"title":"via authorizer"}`)))
	if resp.StatusCode != 201 || decodeTodo(t, resp).Owner != "claims-user" {
		t.Fatalf("create via claims: %d %s", resp.StatusCode, resp.Body)
	}
	// The same user via a token sees it.
	l := decodeList(t, do(t, env.h, as("claims-user", listReq(nil))))
	if len(l.Todos) != 1 {
		t.Errorf("list = %+v", l)
	}
}

func TestStoreFailures(t *testing.T) {
	secret := "super-secret-title-do-not-log"
	id := testID(1)
	tests := []struct {
		name  string
		setup func(*memStore)
		req   events.APIGatewayProxyRequest
	}{
		{"put", func(m *memStore) { m.failPut = errors.New("boom: put exploded") }, collectionReq("POST", `{"title":"`+secret+`"}`)},
		{"put conflict", func(m *memStore) { m.failPut = ErrAlreadyExists }, collectionReq("POST", `{"title":"`+secret+`"}`)},
		{"get", func(m *memStore) { m.failGet = errors.New("boom: get exploded") }, itemReq("GET", id)},
		{"list", func(m *memStore) { m.failLst = errors.New("boom: list exploded") }, collectionReq("GET", "")},
		{"update", func(m *memStore) { m.failUpd = errors.New("boom: update exploded") }, patchReq(id, `{"title":"`+secret+`"}`)},
		{"delete", func(m *memStore) { m.failDel = errors.New("boom: delete exploded") }, itemReq("DELETE", id)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			tc.setup(env.store)
			req := as("user-secret-token", tc.req)
			req.RequestContext.RequestID = "req-123"
			resp := do(t, env.h, req)
			if resp.StatusCode != 500 || resp.Body != `{"error":"internal error"}` {
				t.Fatalf("got %d %s", resp.StatusCode, resp.Body)
			}
			logs := env.logs.String()
			if !strings.Contains(logs, "req-123") || !strings.Contains(logs, `"level":"ERROR"`) {
				t.Errorf("expected error log with request id, got %s", logs)
			}
			if tc.name != "put conflict" && !strings.Contains(logs, "exploded") {
				t.Errorf("real error not logged: %s", logs)
			}
			if strings.Contains(logs, secret) || strings.Contains(logs, "tok-user-secret-token") {
				t.Errorf("log leaks request body or token: %s", logs)
			}
		})
	}
}

func TestIDGenerationFailure(t *testing.T) {
	env := newTestEnv()
	env.h.newID = func(time.Time) (string, error) { return "", errors.New("entropy exhausted") }
	resp := do(t, env.h, as("user-a", collectionReq("POST", `{"title":"x"}`)))
	if resp.StatusCode != 500 || env.store.writes() != 0 {
		t.Fatalf("got %d, writes %d", resp.StatusCode, env.store.writes())
	}
}

func TestOwnerIsolation(t *testing.T) {
	env := newTestEnv()
	resp := do(t, env.h, as("user-a", collectionReq("POST", `{"title":"alice's"}`)))
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	created := decodeTodo(t, resp)
	if created.Owner != "user-a" {
		t.Fatalf("owner = %q, want user-a", created.Owner)
	}
	if resp := do(t, env.h, as("user-a", itemReq("GET", created.ID))); resp.StatusCode != 200 {
		t.Errorf("owner GET: %d", resp.StatusCode)
	}
	// User B gets 404, not 403, and cannot see it in lists.
	if resp := do(t, env.h, as("user-b", itemReq("GET", created.ID))); resp.StatusCode != 404 {
		t.Errorf("foreign GET: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := do(t, env.h, as("user-b", listReq(nil))); resp.Body != `{"todos":[]}` {
		t.Errorf("user-b list = %s", resp.Body)
	}
	if resp := do(t, env.h, as("user-a", listReq(nil))); !strings.Contains(resp.Body, created.ID) {
		t.Errorf("user-a list = %s", resp.Body)
	}
}

func TestDefaults(t *testing.T) {
	h := NewHandler(newMemStore(), testAuth)
	before := time.Now().UTC().Truncate(time.Second)
	var got []Todo
	for i := range 3 {
		resp := do(t, h, as("u", collectionReq("POST", fmt.Sprintf(`{"title":"t%d"}`, i))))
		if resp.StatusCode != 201 {
			t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
		}
		got = append(got, decodeTodo(t, resp))
	}
	after := time.Now().UTC()
	for i, td := range got {
		if !ValidID(td.ID) {
			t.Errorf("id %q is not a canonical ULID", td.ID)
		}
		if i > 0 && td.ID <= got[i-1].ID {
			t.Errorf("ids not increasing: %s then %s", got[i-1].ID, td.ID)
		}
		if td.CreatedAt.Before(before) || td.CreatedAt.After(after) || td.CreatedAt.Location() != time.UTC {
			t.Errorf("created_at %v not in [%v, %v] UTC", td.CreatedAt, before, after)
		}
	}
	l := decodeList(t, do(t, h, as("u", listReq(nil))))
	if ids(l.Todos) != ids(got) {
		t.Errorf("list order %s, want creation order %s", ids(l.Todos), ids(got))
	}
}

func TestNilDependencies(t *testing.T) {
	for name, h := range map[string]*Handler{
		"nil store": {Auth: testAuth, Logger: slog.New(slog.DiscardHandler)},
		"nil auth":  {Store: newMemStore(), Logger: slog.New(slog.DiscardHandler)},
	} {
		resp := do(t, h, as("u", collectionReq("GET", "")))
		if resp.StatusCode != 500 {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
	}
}

func FuzzHandle(f *testing.F) {
	id := testID(1)
	f.Add("POST", "/todos", "", `{"title":"hello","done":true}`, false, "Bearer tok-u", "")
	f.Add("POST", "/todos", "/todos", `{"title":"hello","extra":1}`, false, "tok-u", "")
	f.Add("POST", "/todos", "/todos", base64.StdEncoding.EncodeToString([]byte(`{"title":"b"}`)), true, "Bearer tok-u", "")
	f.Add("GET", "/todos", "/todos", "", false, "Bearer tok-u", "limit=1")
	f.Add("GET", "/todos", "/todos", "", false, "Bearer tok-u", "cursor="+encodeCursor("u", id))
	f.Add("GET", "/todos", "/todos", "", false, "", "cursor=!!")
	f.Add("GET", "/todos/"+id, "/todos/{id}", "", false, "Bearer tok-u", "")
	f.Add("PATCH", "/todos/"+id, "/todos/{id}", `{"done":true}`, false, "Bearer tok-u", "")
	f.Add("PATCH", "/todos/"+id, "/todos/{id}", `{"title":null}`, false, "Bearer tok-u", "")
	f.Add("DELETE", "/todos/"+id, "/todos/{id}", "", false, "Bearer tok-u", "")
	f.Add("DELETE", "/todos/x", "/todos/{id}", "", false, "Bearer expired", "")
	f.Add("GET", "/prod/todos/"+id, "", "", false, "claims:u", "")
	f.Add("POST", "/todos", "/todos", `[1,2,3]`, false, "claims:", "")
	f.Add("POST", "/todos", "/todos", `{"title":"`+strings.Repeat("x", 300)+`"}`, false, "Bearer tok-u", "")
	f.Add("POST", "/todos", "/todos", "{\"title\":\"\xff\xfe\"}", false, "Bearer tok-u", "")
	f.Add("GET", "//", "/{proxy+}", "", true, "Basic x", "limit=0")

	f.Fuzz(func(t *testing.T, method, path, resource, body string, b64 bool, authz, query string) {
		store := newMemStore()
		store.add(Todo{ID: id, Owner: "u", Title: "seed", CreatedAt: fixedNow})
		h := &Handler{Store: NewCachedStore(store, CacheOptions{TTL: time.Minute}), Auth: testAuth, Logger: slog.New(slog.DiscardHandler)}
		req := events.APIGatewayProxyRequest{
			HTTPMethod:      method,
			Path:            path,
			Resource:        resource,
			Body:            body,
			IsBase64Encoded: b64,
		}
		if strings.HasPrefix(resource, "/todos/") {
			req.PathParameters = map[string]string{"id": strings.TrimPrefix(path, "/todos/")}
		}
		if sub, ok := strings.CutPrefix(authz, "claims:"); ok {
			req.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"sub": sub}}
		} else if authz != "" {
			req.Headers = map[string]string{"Authorization": authz}
		}
		if k, v, ok := strings.Cut(query, "="); ok {
			req.QueryStringParameters = map[string]string{k: v}
		}
		resp, err := h.Handle(context.Background(), req)
		if err != nil {
			t.Fatalf("Handle returned error: %v", err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 599 {
			t.Fatalf("status %d out of range", resp.StatusCode)
		}
		// The fake store never fails, so a 500 means a recovered panic or
		// another bug.
		if resp.StatusCode == 500 {
			t.Fatalf("unexpected 500: %s", resp.Body)
		}
		if resp.StatusCode == 204 {
			if resp.Body != "" {
				t.Fatalf("204 with body %q", resp.Body)
			}
			return
		}
		if !json.Valid([]byte(resp.Body)) {
			t.Fatalf("body is not valid JSON: %q", resp.Body)
		}
		if resp.Headers["Content-Type"] != "application/json" {
			t.Fatalf("Content-Type = %q", resp.Headers["Content-Type"])
		}
		if resp.StatusCode == 401 && !strings.HasPrefix(resp.Headers["WWW-Authenticate"], "Bearer") {
			t.Fatalf("401 without WWW-Authenticate")
		}
		// Only the owner "u" may ever see the seeded todo.
		if strings.Contains(resp.Body, `"seed"`) && resp.StatusCode == 200 && !strings.Contains(resp.Body, `"owner":"u"`) {
			t.Fatalf("seed leaked: %s", resp.Body)
		}
	})
}
